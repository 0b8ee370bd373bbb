#!/usr/bin/env bash
# Debian packages the kiosk's tests and demo use. Installed with apt-get when running as
# root; otherwise the exact command to run is printed and the build stops.
set -euo pipefail

# softhsm2: the real PKCS#11 token of the tests and demo; opensc: pkcs11-tool (tests, bench);
# openssl: SM2 certificates; gcc, libc6-dev: the misbehaving test module (tests/fixtures).
packages=(softhsm2 opensc openssl gcc libc6-dev)
packages+=(zbar-tools fonts-wqy-microhei)  # receipt preview: zbarimg (tests), a Chinese font
packages+=(postgresql)  # a throwaway server for the central service's PostgreSQL tests
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
        || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
else
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi

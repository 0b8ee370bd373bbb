"""A throwaway PostgreSQL server for the tests: its own cluster, on a free loopback port.

`start_postgres(base_dir)` runs Debian's `initdb` and `pg_ctl` (package `postgresql`), creates
the database `central_test` and returns a `PostgresServer` whose `url` SQLAlchemy takes as is;
`stop()` kills the server and removes its files. Anything in the way (no binaries, a failing
`initdb` or start) raises `PostgresUnavailable` with a plain reason.

PostgreSQL refuses to run as root. As root (the CI runs as root) the server runs as Debian's
`postgres` system user through `runuser`, in a folder `/tmp/kiosk-pg-*` made here and owned by
that user: `base_dir` is then not used, because pytest's folders (/tmp/pytest-of-root) have
mode 700 and the `postgres` user could not enter them.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

USER = "kiosk"
"""The superuser of the cluster; connections from 127.0.0.1 are trusted (no password)."""
DATABASE = "central_test"
SYSTEM_USER = "postgres"
"""The system user made by Debian's package; the server runs as this user when we are root."""
INSTALL_HINT = "install it with: apt-get install postgresql (or run scripts/system-deps.sh as root)"
START_ATTEMPTS = 3
"""A free port may be taken by someone else between picking and binding it: try again."""


class PostgresUnavailable(Exception):
    """No PostgreSQL server could be started; the message says why, in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class PostgresServer:
    """A running throwaway server; `stop()` kills it and removes its files."""

    url: str
    """`postgresql+psycopg://kiosk@127.0.0.1:PORT/central_test`."""
    data_dir: Path
    bin_dir: Path
    work_dir: Path
    """The folder of the data, the socket and the log: removed by `stop()` when made here."""
    owns_work_dir: bool
    as_user: str | None = None
    stopped: bool = field(default=False, init=False)

    def stop(self) -> None:
        """Stop the server at once (no checkpoint: its data is thrown away) and remove it."""
        if self.stopped:
            return
        self.stopped = True
        if (self.data_dir / "postmaster.pid").exists():
            command = [str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.data_dir)]
            with contextlib.suppress(PostgresUnavailable):
                _run([*command, "-m", "immediate"], self.as_user, check=False)
        shutil.rmtree(self.work_dir if self.owns_work_dir else self.data_dir, ignore_errors=True)


def start_postgres(base_dir: Path) -> PostgresServer:
    """Create a cluster under `base_dir` (or a folder of its own when root), start it, and
    create the database `central_test`. Raises `PostgresUnavailable`."""
    bin_dir = find_bin_dir()
    as_user: str | None = None
    if os.geteuid() == 0:
        as_user = SYSTEM_USER
        work_dir, owns_work_dir = _root_work_dir(), True
    else:
        work_dir, owns_work_dir = base_dir, False
        work_dir.mkdir(parents=True, exist_ok=True)
    server = PostgresServer(
        url="",
        data_dir=work_dir / "pgdata",
        bin_dir=bin_dir,
        work_dir=work_dir,
        owns_work_dir=owns_work_dir,
        as_user=as_user,
    )
    try:
        _init_cluster(server)
        port = _start_server(server)
        server.url = f"postgresql+psycopg://{USER}@127.0.0.1:{port}/{DATABASE}"
        _create_database(port)
    except BaseException:
        server.stop()
        raise
    return server


def find_bin_dir() -> Path:
    """The folder of `initdb` and `pg_ctl`: Debian's newest /usr/lib/postgresql/<version>/bin,
    else `pg_config --bindir`, else the folder of `initdb` on the PATH."""
    candidates: list[Path] = []
    versions = Path("/usr/lib/postgresql")
    if versions.is_dir():
        candidates += [
            folder / "bin" for folder in sorted(versions.iterdir(), key=_version_key, reverse=True)
        ]
    if pg_config := shutil.which("pg_config"):
        try:
            found = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            )
            candidates.append(Path(found.stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    for folder in candidates:
        if all(os.access(folder / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise PostgresUnavailable(
        f"the PostgreSQL server (initdb, pg_ctl) is not installed: {INSTALL_HINT}"
    )


def _version_key(folder: Path) -> tuple[int, ...]:
    """'15' → (15,), '9.6' → (9, 6); names that are not versions sort first."""
    return tuple(int(part) for part in re.findall(r"\d+", folder.name)) or (-1,)


def _root_work_dir() -> Path:
    """A folder under /tmp that the `postgres` user owns and can reach (as root only)."""
    try:
        account = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"PostgreSQL cannot run as root and there is no '{SYSTEM_USER}' system user: "
            f"{INSTALL_HINT}"
        ) from None
    if shutil.which("runuser") is None:
        raise PostgresUnavailable("PostgreSQL cannot run as root and `runuser` is missing")
    work_dir = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
    work_dir.chmod(0o755)
    os.chown(work_dir, account.pw_uid, account.pw_gid)
    return work_dir


def _run(
    command: list[str], as_user: str | None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL program (as `as_user` through runuser), without the caller's PG* vars."""
    if as_user is not None:
        command = ["runuser", "-u", as_user, "--", *command]
    env = {name: value for name, value in os.environ.items() if not name.startswith("PG")}
    try:
        return subprocess.run(
            command, capture_output=True, text=True, env=env, check=check, timeout=60
        )
    except subprocess.CalledProcessError as error:
        output = _tail(error.stderr or error.stdout)
        raise PostgresUnavailable(
            f"`{' '.join(command)}` failed ({error.returncode}): {output}"
        ) from None
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PostgresUnavailable(f"`{' '.join(command)}` failed: {error}") from None


def _init_cluster(server: PostgresServer) -> None:
    """`initdb` with trusted local connections, UTF-8 and the C.UTF-8 locale (else C)."""
    failure: PostgresUnavailable | None = None
    for locale in ("C.UTF-8", "C"):
        shutil.rmtree(server.data_dir, ignore_errors=True)
        try:
            _run(
                [
                    str(server.bin_dir / "initdb"),
                    "-D", str(server.data_dir),
                    "-U", USER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    f"--locale={locale}",
                    "--no-sync",  # thrown away after the tests: no need to reach the disk
                ],
                server.as_user,
            )  # fmt: skip
            return
        except PostgresUnavailable as error:
            failure = error
    assert failure is not None
    raise PostgresUnavailable(f"initdb could not create a cluster: {failure.reason}")


def _start_server(server: PostgresServer) -> int:
    """Start the server on a free loopback port, with fsync off; return the port."""
    log = server.work_dir / "postgres.log"
    socket_dir = server.work_dir / "socket"
    socket_dir.mkdir(exist_ok=True)
    if server.as_user is not None:
        account = pwd.getpwnam(server.as_user)
        os.chown(socket_dir, account.pw_uid, account.pw_gid)
    failure = ""
    for _ in range(START_ATTEMPTS):
        port = _free_port()
        options = f"-h 127.0.0.1 -p {port} -k {shlex.quote(str(socket_dir))} -F"
        command = [str(server.bin_dir / "pg_ctl"), "start", "-w", "-t", "30"]
        command += ["-D", str(server.data_dir), "-l", str(log), "-o", options]
        try:
            _run(command, server.as_user)
            return port
        except PostgresUnavailable as error:
            failure = error.reason
    raise PostgresUnavailable(
        f"the PostgreSQL server did not start: {failure}\nlast lines of its log:\n{_tail_of(log)}"
    )


def _create_database(port: int) -> None:
    """Create the tests' database (CREATE DATABASE cannot run inside a transaction)."""
    try:
        with psycopg.connect(
            host="127.0.0.1", port=port, user=USER, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
    except psycopg.Error as error:
        raise PostgresUnavailable(f"could not create the database {DATABASE}: {error}") from None


def _free_port() -> int:
    """A loopback port nobody listens on right now (the kernel's pick for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tail(text: str, lines: int = 15) -> str:
    """The last `lines` lines of a program's output."""
    return "\n".join(text.strip().splitlines()[-lines:])


def _tail_of(path: Path, lines: int = 15) -> str:
    """The last `lines` lines of a log file, if it was written."""
    try:
        return _tail(path.read_text(errors="replace"), lines)
    except OSError:
        return "(no log)"

"""The support contacts of PROCESS.md, printed on guidance slips and shown on screen."""

from __future__ import annotations

LICENCE_BUREAU_SITE = "www.licence.org.cn"
CA_KEY_HOTLINE = "010-58103599"
ONLINE_SYSTEM_URL = "http://careg.ec.com.cn/busLoginController.do?toLogin"
UNLOCK_SYSTEM_URL = "http://careg.ec.com.cn/busCertUnlockRequestController.do?toLoginPage"
ONLINE_UPDATE_URL = "https://vpnpublic01.gfapki.com.cn"

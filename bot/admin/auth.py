"""Who may see the dashboard: the admin token, as a bearer header or a signed cookie.

The token itself never goes into a cookie. Signing in sets a cookie with the
time it was issued and an HMAC of that time keyed by the token, so a stolen
cookie expires, rotating LEARNLINK_ADMIN_TOKEN signs everyone out, and the
server keeps no session state (several replicas agree without sharing any).
Every comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import re

COOKIE = "learnlink_admin"
COOKIE_PATH = "/admin"
SESSION_SECONDS = 12 * 3600
CLOCK_SKEW_SECONDS = 300
_PURPOSE = b"learnlink-admin-session|"
_SAFE_NEXT = re.compile(r"/admin(/[a-z]+(\.csv)?)?/?")


def token_matches(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode(), token.encode())


def bearer_matches(authorization: str | None, token: str) -> bool:
    """`Authorization: Bearer TOKEN` (the scheme is case-insensitive, as RFC 6750 says)."""
    scheme, _, value = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and token_matches(value.strip(), token)


def session_cookie(token: str, now: float) -> str:
    issued = str(int(now))
    return f"{issued}.{_mac(token, issued)}"


def session_valid(value: str | None, token: str, now: float) -> bool:
    issued, _, mac = (value or "").partition(".")
    if not issued.isdigit() or not hmac.compare_digest(mac.encode(), _mac(token, issued).encode()):
        return False
    age = now - int(issued)
    return -CLOCK_SKEW_SECONDS <= age <= SESSION_SECONDS


def safe_next(target: str | None) -> str:
    """Only dashboard paths: a crafted ?next= must not turn sign-in into an open redirect."""
    return target if target and _SAFE_NEXT.fullmatch(target) else "/admin"


def _mac(token: str, issued: str) -> str:
    return hmac.new(token.encode(), _PURPOSE + issued.encode(), hashlib.sha256).hexdigest()

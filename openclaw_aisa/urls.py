"""Where a key may be sent: the base URL rules every command applies before a request is made."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .errors import UsageError
from .keys import redact


def check_base_url(url: str) -> str:
    """https, or plain http only to this machine, and no credentials in the URL: the key rides along."""
    if re.search(r"[\x00-\x20\x7f]", url.strip()):  # urlsplit silently drops tabs and newlines
        raise UsageError("--base-url contains a space or control character; paste the URL alone, e.g. https://api.aisa.one/v1")
    parts = urlsplit(url.strip())
    if parts.username or parts.password:
        raise UsageError("--base-url must not carry credentials (user:password@); the key goes in the key flag or env var")
    shown = redact(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UsageError(f"--base-url {shown!r} is not an http(s) URL; use e.g. https://api.aisa.one/v1")
    try:
        _ = parts.port  # urlsplit checks the port only when asked
    except ValueError:
        raise UsageError(
            f"--base-url {shown!r} has an invalid port; use e.g. https://api.aisa.one/v1 or http://127.0.0.1:8080/v1"
        ) from None
    if parts.query or parts.fragment or url.strip().endswith(("?", "#")):
        raise UsageError(
            f"--base-url {shown!r} has a query or fragment, but OpenClaw appends /chat/completions to it; drop the ?... or #..."
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise UsageError(f"--base-url {shown!r} is plain http to a remote host, which would send the key in clear; use https://")
    return url.strip().rstrip("/")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

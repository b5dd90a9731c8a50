"""Where a key may be sent: the base URL rules every command applies before a request is made, and
which proxy (if any) may carry it there."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from .errors import UsageError
from .redact import redact


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


def path_fixes(url: str) -> list[str]:
    """The base URL as a user most likely meant it, when its answer says the path is wrong: a doubled
    `/v1` once, a missing `/v1` added (OpenAI-compatible APIs, AIsa's among them, live under /v1)."""
    if url.endswith("/v1/v1"):
        return [url[: -len("/v1")]]
    return [] if url.endswith("/v1") else [url + "/v1"]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def proxy_for(url: str, proxies: Mapping[str, str]) -> tuple[str, str] | None:
    """The proxy a request to `url` goes through, as (`proxies` key, proxy URL), from urllib's
    `getproxies()` read as httpx reads it: the https proxy, else the all proxy, unless NO_PROXY exempts
    the host. Never one for plain http or for this machine: a proxy would read the key in clear (https
    passes through a CONNECT tunnel that the proxy cannot read)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or is_loopback(host) or no_proxy(proxies.get("no", ""), parts.scheme, host, parts.port or 443):
        return None
    for kind in ("https", "all"):
        if value := proxies.get(kind, "").strip():
            return kind, value if "://" in value else f"http://{value}"
    return None


def no_proxy(rule: str, scheme: str, host: str, port: int) -> bool:
    """Whether NO_PROXY exempts the host, read as httpx reads it (after curl): `*` (all); `example.com`
    (it and its subdomains); `.example.com` (subdomains only); an IP address or `localhost` (exactly);
    each with an optional `:port`; or `scheme://host`, exact unless it starts with `*` or `*.`."""
    import ipaddress

    for entry in (e.strip().lower() for e in rule.split(",")):
        if entry == "*":
            return True
        full = "://" in entry
        if not full and entry.count(":") > 1 and not entry.startswith("["):
            entry = f"[{entry}]"  # a bare IPv6 address
        parts = urlsplit(entry if full else f"all://{entry}")
        try:
            name, wanted = parts.hostname or "", parts.port
        except ValueError:  # a port that is not a number
            continue
        if not name or parts.scheme not in ("all", scheme) or wanted not in (None, port):
            continue
        try:
            exact = full or name == "localhost" or bool(ipaddress.ip_address(name))
        except ValueError:
            exact = False
        pattern = name if exact else "*" + name
        if pattern.startswith("*."):
            matches = host.endswith(pattern[1:])
        elif pattern.startswith("*"):
            matches = host == pattern[1:] or host.endswith("." + pattern[1:])
        else:
            matches = host == pattern
        if matches:
            return True
    return False


def masked(url: str) -> str:
    """A URL fit for a message: any user:password@ replaced by ***@."""
    return redact(re.sub(r"(?<=://)[^/]*@", "***@", url))

"""`balance`: the provider's credit for the key OpenClaw uses: the wallet, and the key's own limit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import keys
from ..gateway import Balance
from ..host import Host
from ..types import Provider, record
from . import session


@record
class Shown:
    """`balance --json`: the credit, which key it is for (masked) and where that key comes from."""

    provider: Provider
    base_url: str
    key_masked: str
    key_source: str
    balance: Balance
    exit_code: int = 0

    def document(self) -> dict[str, Any]:
        return {
            "provider": self.provider.id,
            "base_url": self.base_url,
            "key": {"masked": self.key_masked, "source": self.key_source},
            **self.balance.document(),
        }


def balance(host: Host, env: Mapping[str, str], target: session.Target) -> Shown:
    """One GET /credits/balance with the key OpenClaw would send, bounded by the request budget."""
    s = session.open_session(host, env, target)
    with s.client(read_timeout=session.VERIFY_TIMEOUT) as client:  # offline: one clear error, before the key is needed
        found = client.balance(retries=1)
    assert s.key is not None  # open_session refuses a missing key online
    # a spent wallet or key is an answer, not a failure of this command: exit 1 so scripts can tell
    return Shown(s.provider, s.base_url, keys.mask(s.key.value), s.key.source, found, 1 if found.spent else 0)

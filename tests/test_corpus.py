"""Realistic user configs, onboarded and judged by each real OpenClaw version.

For every fixture and every version where the fixture itself is valid (the seed's block excepted,
being the thing we repair): after onboarding, `config validate` says valid, `models list` shows the
expected AIsa refs and default, `doctor --lint` has nothing to say about models.providers.aisa
(5.28 and later), and nothing changed outside what onboarding reported.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from openclaw_aisa.adapters.store import parse
from openclaw_aisa.catalog import load_catalog
from openclaw_aisa.merge import current_primary

from .conftest import KEY
from .realclaw import VERSIONS

pytestmark = pytest.mark.openclaw
FIXTURES = Path(__file__).parent / "fixtures" / "configs"
CATALOGUE_REFS = tuple(f"aisa/{m.id}" for m in load_catalog().providers[0].models)
LEGACY_ENV = {"OPENCLAW_STATE_DIR": None, "OPENCLAW_CONFIG_PATH": None}


@dataclass(frozen=True)
class Case:
    name: str
    fixture: str | None  # None: no config file at all
    primary: str  # the primary model after onboarding
    extra_refs: tuple[str, ...] = ()  # the user's own AIsa models, kept
    valid_on: tuple[str, ...] = VERSIONS  # where the fixture is valid as the user has it
    legacy: bool = False  # lives at ~/.clawdbot/clawdbot.json
    sidecar: str | None = None  # a file the fixture $includes
    refused: bool = False
    env: tuple[tuple[str, str], ...] = ()  # what the user of this config has exported

    def __str__(self) -> str:
        return self.name


CASES = [
    Case("no-file", None, "aisa/qwen3-max"),
    Case("empty-object", "empty-object.json5", "aisa/qwen3-max"),
    Case("json5-comments", "json5-comments.json5", "aisa/qwen3-max"),
    Case(
        "other-providers-primary",
        "other-providers-primary.json5",
        "openrouter/moonshotai/kimi-k2",
        env=(("OPENROUTER_API_KEY", "sk-or-v1-test"),),
    ),
    Case("fallbacks", "fallbacks.json5", "anthropic/claude-opus-4-6"),
    Case("allowlist-aliases", "allowlist-aliases.json5", "anthropic/claude-opus-4-6"),
    Case("model-policy-allow", "model-policy-allow.json5", "openai/gpt-5", valid_on=("2026.9.6",)),
    Case("primary-string", "primary-string.json5", "anthropic/claude-opus-4-6"),
    Case("seed-block", "seed-block.json5", "aisa/qwen3-max", valid_on=()),
    Case("aisa-user-edits", "aisa-user-edits.json5", "aisa/kimi-k2.6", extra_refs=("aisa/kimi-k2.6", "aisa/qwen3.6-plus")),
    Case("env-template-key", "env-template-key.json5", "aisa/qwen3-max"),
    Case("legacy-clawdbot", "legacy-clawdbot.json5", "anthropic/claude-opus-4-6", legacy=True),
    Case("include-models", "include-models.json5", "", sidecar="include-models.models.json5", refused=True),
]


def leaf_changes(before: Any, after: Any, path: str = "") -> set[str]:
    """Dotted paths where two parsed configs differ (objects walked, anything else compared whole)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: set[str] = set()
        for key in before.keys() | after.keys():
            sub = f"{path}.{key}" if path else key
            if key not in before or key not in after:
                out.add(sub)
            else:
                out |= leaf_changes(before[key], after[key], sub)
        return out
    return set() if before == after else {path}


def covered(changed: str, reported: list[str], before: dict) -> bool:
    """A change is accounted for by a reported path at, above, or (for a new object) below it."""
    existed = _exists(before, changed)
    return any(changed == r or changed.startswith(r + ".") or (r.startswith(changed + ".") and not existed) for r in reported)


def _exists(config: Any, path: str) -> bool:
    for part in path.split("."):
        if not isinstance(config, dict) or part not in config:
            return False
        config = config[part]
    return True


@pytest.mark.parametrize("case", CASES, ids=str)
def test_onboarding_each_fixture_is_accepted_by_the_real_openclaw(case: Case, openclaw, our_cli, home):
    if case.valid_on and openclaw.version not in case.valid_on:
        pytest.skip(f"{case.name} is not a valid config on {openclaw.version} to begin with")
    state = home / (".clawdbot" if case.legacy else ".openclaw")
    config = state / ("clawdbot.json" if case.legacy else "openclaw.json")
    env = {**(LEGACY_ENV if case.legacy else {}), **dict(case.env)}
    if case.fixture:
        state.mkdir(mode=0o700)
        shutil.copy(FIXTURES / case.fixture, config)
        if case.sidecar:
            shutil.copy(FIXTURES / case.sidecar, state / "models.json5")
    original = config.read_bytes() if case.fixture else None
    before = parse(original, config)[0] if original else {}

    validity = openclaw.validate(home, env=env)["valid"] if case.fixture else True
    assert validity is (openclaw.version in case.valid_on or not case.fixture), "the fixture's own validity is not what we know"

    done = our_cli("onboard", "--non-interactive", "--aisa-api-key", KEY, "--json", **env)
    if case.refused:
        assert done.returncode == 2 and "$include" in done.stderr
        assert config.read_bytes() == original
        return
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["config"] == str(config)

    assert openclaw.validate(home, env=env)["valid"]
    listed = openclaw.aisa_models(home, env=env)
    assert set(listed) == set(CATALOGUE_REFS) | set(case.extra_refs)
    defaults = [ref for ref, tags in listed.items() if "default" in tags]
    assert defaults == ([case.primary] if case.primary.startswith("aisa/") else [])
    if openclaw.version != "2026.3.31":
        assert openclaw.lint_findings(home, "models.providers.aisa", env=env) == []

    after = json.loads(config.read_text())
    assert current_primary(after) == case.primary
    reported = [c["path"] for c in report["changes"]]
    stray = sorted(p for p in leaf_changes(before, after) if not covered(p, reported, before))
    assert stray == [], f"changed but not reported: {stray}"

"""AIsa live inside the real OpenClaw (2026.3.31, 5.28, 9.6) through the native plugin: any served id at
`--model aisa/<id>`, the exported key alone enough, the curated rows when AIsa is unreachable, the
balance in `openclaw status --usage`, and a bundle older than the package found and upgraded.

The fake AIsa serves more than plugin.toml curates (kimi-k2.6, grok-4.5, gpt-5.5) and non-chat kinds."""

from __future__ import annotations

import json
import time

import pytest

from openclaw_aisa.catalog import load_catalog

from .conftest import KEY, read_json
from .test_native import agent_turn, shim  # noqa: F401  (shim is a fixture)

AISA = load_catalog().providers[0]
EXPORTED = {"AISA_API_KEY": KEY}
NOT_CURATED = ("grok-4.5", "gpt-5.5", "kimi-k2.6")
NON_CHAT = ("wan2.2-t2v-plus", "text-embedding-v4", "qwen-image", "gte-rerank-v2")


def install(our_cli, shim, base_url: str) -> None:  # noqa: F811
    done = our_cli("plugin", "install", "--base-url", base_url, **shim)
    assert done.returncode == 0, done.stderr


def key_holders(home) -> list:
    return [p for p in home.rglob("*") if p.is_file() and KEY.encode() in p.read_bytes()]


def attempt(openclaw, home, ref: str, env: dict):
    """One turn that may fail: the completed process (3.31's `agent` has no --model: the primary is set first)."""
    if openclaw.version == "2026.3.31":
        openclaw.run("models", "set", ref, home=home, env=env)
        return openclaw.run("agent", "--local", "--agent", "main", "--message", "hi", "--json", home=home, env=env)
    return openclaw.run("infer", "model", "run", "--local", "--model", ref, "--prompt", "hi", "--json", home=home, env=env)


def sent(fake) -> dict:
    request = fake.chat_requests()[-1]
    assert request.headers["authorization"] == f"Bearer {KEY}"
    return request.json


@pytest.mark.openclaw
def test_with_only_the_key_exported_openclaw_lists_aisa_and_a_turn_reaches_it_with_any_served_id(openclaw, our_cli, home, shim, fake_aisa):  # noqa: F811
    install(our_cli, shim, fake_aisa.base_url)
    config = read_json(home / ".openclaw" / "openclaw.json")
    assert "aisa" not in config.get("models", {}).get("providers", {})  # no onboarding of any kind
    listed = openclaw.aisa_models(home, env=EXPORTED)
    assert {AISA.ref(m.id) for m in AISA.models if not m.is_translation} <= set(listed)
    if openclaw.version == "2026.3.31":  # its registry holds what the plugin discovered
        assert {AISA.ref(i) for i in NOT_CURATED} <= set(listed)
    assert not {AISA.ref(i) for i in NON_CHAT} & set(listed)
    for model_id in ("kimi-k2.5", "grok-4.5"):
        agent_turn(openclaw, our_cli, home, AISA.ref(model_id), env=EXPORTED)
        body = sent(fake_aisa)
        assert body["model"] == model_id
        assert "max_tokens" in body and "max_completion_tokens" not in body  # plugin.toml: max_tokens but for GPT
    typo = attempt(openclaw, home, "aisa/grok-4.6", EXPORTED)
    assert "Unknown model" in typo.stdout + typo.stderr and "Did you mean aisa/grok-4.5" in typo.stdout + typo.stderr
    assert fake_aisa.chat_requests()[-1].json["model"] == "grok-4.5"  # nothing was sent for the typo
    assert key_holders(home) == []


@pytest.mark.openclaw
def test_after_onboarding_a_served_id_absent_from_plugin_toml_works_with_its_familys_token_field(openclaw, our_cli, home, shim, fake_aisa):  # noqa: F811
    done = our_cli("onboard", "--non-interactive", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--skip-validation", **shim)
    assert done.returncode == 0, done.stderr
    agent_turn(openclaw, our_cli, home, "aisa/gpt-5.5")
    body = sent(fake_aisa)
    assert body["model"] == "gpt-5.5"
    assert "max_completion_tokens" in body and "max_tokens" not in body  # OpenAI's GPT-5 family refuses max_tokens
    agent_turn(openclaw, our_cli, home, "aisa/kimi-k2.6")
    assert sent(fake_aisa)["model"] == "kimi-k2.6"


@pytest.mark.openclaw
def test_with_aisa_unreachable_every_command_completes_with_the_curated_catalogue(openclaw, our_cli, home, shim, fake_aisa):  # noqa: F811
    install(our_cli, shim, fake_aisa.base_url)
    fake_aisa.stop()
    took = {}
    for name, args in (("models list", ()), ("config validate", ("config", "validate", "--json"))):
        started = time.monotonic()
        if args:
            assert openclaw.run(*args, home=home, env=EXPORTED).returncode == 0
        else:
            assert {AISA.ref(m.id) for m in AISA.models if not m.is_translation} <= set(openclaw.aisa_models(home, env=EXPORTED))
        took[name] = time.monotonic() - started
    started = time.monotonic()
    turn = attempt(openclaw, home, "aisa/kimi-k2.5", EXPORTED)
    took["turn"] = time.monotonic() - started
    assert "Unknown model" not in turn.stdout + turn.stderr  # the model resolved; only the network failed
    print(f"OpenClaw {openclaw.version}, AIsa stopped: " + ", ".join(f"{k} {v:.1f} s" for k, v in took.items()))


@pytest.mark.openclaw
def test_openclaw_status_usage_shows_the_aisa_balance_where_the_usage_hooks_exist(openclaw, our_cli, home, shim, fake_aisa):  # noqa: F811
    if openclaw.version != "2026.9.6":
        pytest.skip(f"OpenClaw {openclaw.version} asks only its built-in usage providers (provider-usage.shared/.fetch in its dist)")
    install(our_cli, shim, fake_aisa.base_url)
    code, report = openclaw.json("status", "--usage", "--json", home=home, env=EXPORTED)
    assert code == 0, report
    [aisa] = [p for p in report["usage"]["providers"] if p["provider"] == "aisa"]
    balance = next(b for b in aisa["billing"] if b["type"] == "balance")
    assert balance["amount"] == 12.0 and balance["unit"] == "USD"
    text = openclaw.run("status", "--usage", home=home, env=EXPORTED).stdout
    assert "Balance: $12.00" in text and KEY not in text
    assert [r.path for r in fake_aisa.requests if r.path.endswith("/credits/balance")]


@pytest.mark.openclaw
def test_an_installed_bundle_older_than_the_package_is_reported_and_doctor_fix_upgrades_it(openclaw, our_cli, home, shim, fake_aisa):  # noqa: F811
    done = our_cli("onboard", "--non-interactive", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--skip-validation", **shim)
    assert done.returncode == 0, done.stderr
    installed = home / ".openclaw" / "extensions" / "aisa"
    (installed / "live-catalog.json").write_text(json.dumps({"families": [], "discovery": {}}))  # as an older package wrote it
    status = json.loads(our_cli("plugin", "status", "--json", **shim).stdout)
    assert status["current"] is False and status["stale_files"] == ["live-catalog.json"]
    assert "older than this package's" in our_cli("plugin", "status", **shim).stdout
    doctor = json.loads(our_cli("doctor", "--offline", "--json", **shim).stdout)
    assert "plugin.stale" in {f["check"] for f in doctor["findings"]}
    fixed = our_cli("doctor", "--offline", "--fix", "--json", **shim)
    assert "plugin.stale" not in {f["check"] for f in json.loads(fixed.stdout)["remaining"]}, fixed.stdout
    assert json.loads(our_cli("plugin", "status", "--json", **shim).stdout)["current"] is True

"""What actually reaches AIsa: the real OpenClaw, configured by us, talking to a loopback fake.

The key lives only in the state dir's .env (nothing exported), as our onboarding leaves it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openclaw_aisa import schema
from openclaw_aisa.catalog import load_catalog

from .conftest import KEY

pytestmark = pytest.mark.openclaw
AISA = load_catalog().providers[0]
CHAT_MODELS = [m.id for m in AISA.models if not m.is_translation]


def onboard(our_cli, fake, version: str, primary: str | None = None) -> None:
    args = ["onboard", "--non-interactive", "--aisa-api-key", KEY, "--base-url", fake.base_url, "--openclaw-version", version]
    done = our_cli(*args, *(["--primary", primary] if primary else []))
    assert done.returncode == 0, done.stderr


def one_turn(openclaw, our_cli, home: Path, model: str, agent: bool = False) -> dict:
    """A turn with aisa/<model>: `infer model run` where it exists, else (3.31, or agent=True) an agent turn."""
    ref = f"aisa/{model}"
    if not agent and openclaw.version != "2026.3.31":
        code, out = openclaw.json("infer", "model", "run", "--local", "--model", ref, "--prompt", "hi", "--json", home=home)
    elif openclaw.version == "2026.9.6":
        workdir = home / "work"
        workdir.mkdir(exist_ok=True)
        code, out = openclaw.json("agent", "exec", "hi", "--model", ref, "--json", "--cwd", str(workdir), home=home)
    elif openclaw.version == "2026.5.28":
        code, out = openclaw.json("agent", "--local", "--agent", "main", "--message", "hi", "--model", ref, "--json", home=home)
    else:  # 3.31's agent has no --model: the turn uses the primary
        assert our_cli("models", "set", ref).returncode == 0
        code, out = openclaw.json("agent", "--local", "--agent", "main", "--message", "hi", "--json", home=home)
    assert code == 0, out
    return out


def replies(out: dict) -> list[str]:
    found = [p.get("text") for p in out.get("outputs", []) + out.get("payloads", [])]
    return [t for t in found if t] + ([out["final"]] if out.get("final") else [])


def check_request(body: dict, model: str) -> None:
    assert body["model"] == model, "OpenClaw must send the bare upstream id"
    assert body["stream"] is True
    assert body.get("stream_options", {}).get("include_usage") is True, "without usage OpenClaw reports zero cost"
    field = schema.model_entry(AISA, AISA.describe(model))["compat"]["maxTokensField"]  # plugin.toml's, per model
    other = "max_tokens" if field == "max_completion_tokens" else "max_completion_tokens"
    assert field in body and other not in body
    assert "temperature" not in body
    assert all(m["role"] != "developer" for m in body["messages"])


@pytest.mark.parametrize("model", CHAT_MODELS)
def test_each_chat_model_reaches_aisa_with_the_bare_id_and_the_key_from_dotenv(model, openclaw, our_cli, home, fake_aisa):
    onboard(our_cli, fake_aisa, openclaw.version)
    out = one_turn(openclaw, our_cli, home, model)
    assert "Hello from fake AIsa" in replies(out)
    [request] = fake_aisa.chat_requests()
    assert request.headers["authorization"] == f"Bearer {KEY}"
    check_request(request.json, model)
    sent_budget = request.json.get("max_tokens", request.json.get("max_completion_tokens"))
    assert sent_budget <= AISA.model(model).max_tokens.value


def test_an_agent_turn_with_kimi_sends_system_prompt_and_tools_and_costs_catalogue_prices(openclaw, our_cli, home, fake_aisa):
    onboard(our_cli, fake_aisa, openclaw.version, primary="aisa/kimi-k2.5")
    out = one_turn(openclaw, our_cli, home, "kimi-k2.5", agent=True)
    assert "Hello from fake AIsa" in replies(out)
    request = fake_aisa.chat_requests()[-1]
    check_request(request.json, "kimi-k2.5")
    assert request.json["messages"][0]["role"] == "system"
    assert request.json.get("tools")
    assert request.json.get("tool_choice", "auto") == "auto"  # 3.31 leaves it to the API default

    price = AISA.model("kimi-k2.5").price("aisa")
    usage = fake_aisa.usage
    expected = (usage["prompt_tokens"] * price.input + usage["completion_tokens"] * price.output) / 1e6
    # 9.6 reports the turn's cost in its JSON (and keeps sessions in SQLite); older versions in the transcript
    reported = out["costUsd"] if openclaw.version == "2026.9.6" else session_cost(home)
    assert reported == pytest.approx(expected, rel=1e-9)


def session_cost(home: Path) -> float:
    """The cost OpenClaw recorded for the last assistant message of the session transcript."""
    sessions = sorted((home / ".openclaw" / "agents").glob("*/sessions/*.jsonl"), key=lambda p: p.stat().st_mtime)
    assert sessions, "no session transcript written"
    costs = [line for line in sessions[-1].read_text().splitlines() if '"cost"' in line]
    assert costs, "the transcript records no cost"
    record = json.loads(costs[-1])
    return _find_cost(record)


def _find_cost(node) -> float:
    if isinstance(node, dict):
        if isinstance(node.get("cost"), dict) and "total" in node["cost"]:
            return node["cost"]["total"]
        for value in node.values():
            found = _find_cost(value)
            if found is not None:
                return found
    elif isinstance(node, list):
        for value in node:
            found = _find_cost(value)
            if found is not None:
                return found
    return None


def test_over_the_seeds_block_requests_carry_bare_ids(openclaw, our_cli, home, fake_aisa):
    """The seed's block is rejected as given; after onboarding OpenClaw sends `qwen3-max`, not `aisa/qwen3-max`."""
    import shutil

    state = home / ".openclaw"
    state.mkdir(mode=0o700)
    shutil.copy(Path(__file__).parent / "fixtures" / "configs" / "seed-block.json5", state / "openclaw.json")
    assert not openclaw.validate(home)["valid"]
    onboard(our_cli, fake_aisa, openclaw.version)
    assert openclaw.validate(home)["valid"]
    one_turn(openclaw, our_cli, home, "qwen3-max")
    [request] = fake_aisa.chat_requests()
    check_request(request.json, "qwen3-max")


def test_an_exported_key_wins_over_the_dotenv_one_as_detect_says(openclaw, our_cli, home, fake_aisa):
    from .conftest import OTHER_KEY

    fake_aisa.key = None  # accept either key: the test is which one arrives
    onboard(our_cli, fake_aisa, openclaw.version)
    detected = json.loads(our_cli("detect", "--json", AISA_API_KEY=OTHER_KEY).stdout)["providers"][0]["credentials"]
    assert [c["source"] for c in detected if c["used_by_openclaw"]] == ["environment"]
    if openclaw.version == "2026.3.31":
        code, _ = openclaw.json(
            "agent", "--local", "--agent", "main", "--message", "hi", "--json", home=home, env={"AISA_API_KEY": OTHER_KEY}
        )
    else:
        code, _ = openclaw.json(
            "infer",
            "model",
            "run",
            "--local",
            "--model",
            "aisa/kimi-k2.5",
            "--prompt",
            "hi",
            "--json",
            home=home,
            env={"AISA_API_KEY": OTHER_KEY},
        )
    assert code == 0
    assert [r.headers["authorization"] for r in fake_aisa.chat_requests()] == [f"Bearer {OTHER_KEY}"]

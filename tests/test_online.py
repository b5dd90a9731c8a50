"""The commands that talk to AIsa, against the fake gateway: key checks, the live list, add, sync, chat."""

from __future__ import annotations

import json
import socket

import pytest

from openclaw_aisa.catalog import load_catalog

from .conftest import KEY, OTHER_KEY, read_json, write_json


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/v1"


def models_requests(fake):
    return [r for r in fake.requests if r.path.endswith("/models")]


# --- onboarding checks the key before writing ---------------------------------------------------


def test_onboarding_checks_the_key_and_says_how_many_models_it_sees(run, fake_aisa, online, config_path):
    done = run("onboard", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--no-plugin", "--non-interactive")
    assert done.code == 0, done.err
    assert f"lists {len(fake_aisa.models)} models" in done.out
    [check] = models_requests(fake_aisa)
    assert check.headers["authorization"] == f"Bearer {KEY}"
    assert config_path.exists()


@pytest.mark.parametrize("fault, words", [("invalid_api_key", "refused the key"), ("insufficient_balance", "402")])
def test_a_refused_key_stops_onboarding_and_writes_nothing(run, fake_aisa, online, config_path, state_dir, fault, words):
    write_json(config_path, {"agents": {"defaults": {"model": {"primary": "openai/gpt-5"}}}})
    before = config_path.read_bytes()
    fake_aisa.fail_next(fault)
    done = run("onboard", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--no-plugin", "--non-interactive")
    assert done.code == 1
    assert words in done.err and "nothing was written" in done.err
    assert len(done.err.strip().splitlines()) == 1
    assert config_path.read_bytes() == before
    assert not (state_dir / ".env").exists()


def test_a_402_explains_balance_and_unrecognised_keys(run, fake_aisa, online):
    fake_aisa.fail_next("insufficient_balance")
    done = run("onboard", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--no-plugin", "--non-interactive")
    assert "balance" in done.err.lower()


def test_a_wrong_key_is_refused_by_the_gateway_itself(run, fake_aisa, online, config_path):
    done = run("onboard", "--aisa-api-key", OTHER_KEY, "--base-url", fake_aisa.base_url, "--no-plugin", "--non-interactive")
    assert done.code == 1 and "refused the key sk-aisa-…OTHR" in done.err
    assert not config_path.exists()


def test_skip_validation_saves_a_key_without_asking_the_gateway(run, fake_aisa, online, config_path):
    done = run(
        "onboard", "--aisa-api-key", OTHER_KEY, "--base-url", fake_aisa.base_url, "--no-plugin", "--non-interactive", "--skip-validation"
    )
    assert done.code == 0, done.err
    assert fake_aisa.requests == []
    assert config_path.exists()


def test_onboarding_offline_writes_the_config_with_a_not_verified_warning(run, online, config_path):
    done = run("onboard", "--aisa-api-key", KEY, "--base-url", closed_port_url(), "--no-plugin", "--non-interactive")
    assert done.code == 0, done.err
    assert "key not verified" in done.err and "doctor" in done.err
    assert config_path.exists()


def test_require_valid_key_makes_an_unreachable_gateway_fatal(run, online, config_path, state_dir):
    done = run("onboard", "--aisa-api-key", KEY, "--base-url", closed_port_url(), "--no-plugin", "--non-interactive", "--require-valid-key")
    assert done.code == 1 and "could not verify the key" in done.err
    assert not config_path.exists() and not (state_dir / ".env").exists()


def test_the_json_report_says_whether_the_key_was_verified(run, fake_aisa, online):
    done = run("onboard", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--no-plugin", "--non-interactive", "--json")
    assert done.json["key"]["verified"] is True and done.json["key"]["models_visible"] == len(fake_aisa.models)


# --- models list --live ---------------------------------------------------------------------


def test_live_list_tells_chat_models_from_image_video_embedding_and_rerank(run, onboarded, fake_aisa):
    done = run("models", "list", "--live", "--json")
    assert done.code == 0, done.err
    kinds = {m["id"]: m["kind"] for m in done.json["models"]}
    assert kinds["kimi-k2.5"] == "chat" and kinds["deepseek-r1"] == "chat"
    assert kinds["text-embedding-v4"] == "embedding" and kinds["gte-rerank-v2"] == "rerank"
    assert kinds["wan2.2-t2v-plus"] == "video" and kinds["qwen-image"] == "image"
    curated = {m["id"] for m in done.json["models"] if m["curated"]}
    assert curated == {m.id for m in load_catalog().providers[0].models}
    assert all(m["configured"] == m["curated"] for m in done.json["models"])
    family = {m["id"]: m["family"] for m in done.json["models"]}
    assert (family["kimi-k2.6"], family["grok-4.5"], family["kimi-k2.5"], family["qwen-image"]) == ("Kimi", "Grok", None, None)


def test_live_list_is_cached_and_refreshed_on_request(run, onboarded, fake_aisa):
    assert run("models", "list", "--live").code == 0
    assert run("models", "list", "--live").code == 0
    assert models_requests(fake_aisa) == []  # onboarding's key check cached the list
    fake_aisa.models.append("ernie-5")
    done = run("models", "list", "--live", "--refresh", "--kind", "chat")
    assert len(models_requests(fake_aisa)) == 1
    assert "aisa/ernie-5" in done.out and "family: any other model" in done.out
    assert "text-embedding-v4" not in done.out


def test_live_list_falls_back_to_a_stale_cache_when_gateway_is_down(run, onboarded, fake_aisa):
    assert run("models", "list", "--live").code == 0
    fake_aisa.stop()
    done = run("models", "list", "--live", "--refresh", "--json")
    assert done.code == 0, done.err
    assert done.json["source"] == "stale cache" and "warning" in done.err
    assert any(m["id"] == "kimi-k2.5" for m in done.json["models"])


def test_live_list_with_no_cache_and_no_gateway_is_one_clear_error(run, onboarded, fake_aisa):
    from openclaw_aisa.adapters import live

    live.cache_path(fake_aisa.base_url).unlink()
    fake_aisa.stop()
    done = run("models", "list", "--live")
    assert done.code == 1 and "none is cached" in done.err


# --- models add -----------------------------------------------------------------------------


def test_models_add_gives_an_uncurated_id_its_familys_stated_figures(run, onboarded, fake_aisa):
    done = run("models", "add", "deepseek-r1", "grok-4.5")
    assert done.code == 0, done.err
    assert "deepseek-r1 (defaults: context 128,000, max output 8,192" in done.out
    models = read_json(onboarded)["models"]["providers"]["aisa"]["models"]
    deepseek, grok = (next(m for m in models if m["id"] == i) for i in ("deepseek-r1", "grok-4.5"))
    assert deepseek["contextWindow"] == 128000 and deepseek["maxTokens"] == 8192 and "cost" not in deepseek
    assert deepseek["compat"]["maxTokensField"] == "max_tokens"
    assert grok["reasoning"] is True and grok["maxTokens"] == 32768


def test_models_add_gives_a_new_kimi_room_to_think(run, onboarded, fake_aisa):
    fake_aisa.models.append("kimi-k2.6")
    assert run("models", "add", "aisa/kimi-k2.6", "--json").code == 0
    entry = next(m for m in read_json(onboarded)["models"]["providers"]["aisa"]["models"] if m["id"] == "kimi-k2.6")
    assert entry["reasoning"] is True and entry["maxTokens"] >= 32768


def test_models_add_refuses_an_unknown_id_with_suggestions(run, onboarded, fake_aisa):
    before = onboarded.read_bytes()
    done = run("models", "add", "kimi-k2")
    assert done.code == 2 and "did you mean kimi-k2.5" in done.err
    assert onboarded.read_bytes() == before


@pytest.mark.parametrize("model_id, words", [("text-embedding-v4", "an embedding model"), ("qwen-plus", "qwen-plus-2025-12-01")])
def test_models_add_refuses_non_chat_models_and_aliases(run, onboarded, fake_aisa, model_id, words):
    done = run("models", "add", model_id)
    assert done.code == 2 and words in done.err


def test_models_add_allows_the_new_ref_where_an_allowlist_is_active(run, onboarded, fake_aisa):
    config = read_json(onboarded)
    config.setdefault("agents", {}).setdefault("defaults", {})["models"] = {"openai/gpt-5": {}}
    write_json(onboarded, config)
    assert run("models", "add", "deepseek-r1").code == 0
    assert "aisa/deepseek-r1" in read_json(onboarded)["agents"]["defaults"]["models"]


def test_models_add_dry_run_writes_nothing(run, onboarded, fake_aisa):
    before = onboarded.read_bytes()
    done = run("models", "add", "deepseek-r1", "--dry-run")
    assert done.code == 0 and any(line.startswith("+") and '"id": "deepseek-r1"' in line for line in done.out.splitlines())
    assert onboarded.read_bytes() == before


# --- models sync ----------------------------------------------------------------------------


def test_sync_shows_gone_and_new_models_and_changes_nothing_without_apply(run, onboarded, fake_aisa):
    fake_aisa.models.remove("qwen-mt-flash")
    before = onboarded.read_bytes()
    done = run("models", "sync", "--json")
    assert done.code == 0, done.err
    assert done.json["gone"] == ["qwen-mt-flash"]
    assert "deepseek-r1" in done.json["new_other"] and "text-embedding-v4" not in done.json["new_other"]
    assert onboarded.read_bytes() == before


def test_sync_apply_removes_models_no_longer_served(run, onboarded, fake_aisa):
    fake_aisa.models.remove("qwen-mt-flash")
    done = run("models", "sync", "--apply")
    assert done.code == 0, done.err
    ids = [m["id"] for m in read_json(onboarded)["models"]["providers"]["aisa"]["models"]]
    assert "qwen-mt-flash" not in ids and "kimi-k2.5" in ids


def test_sync_apply_needs_a_new_primary_when_the_primary_is_gone(run, onboarded, fake_aisa):
    fake_aisa.models.remove("qwen3-max")
    before = onboarded.read_bytes()
    done = run("models", "sync", "--apply")
    assert done.code == 2 and "--primary" in done.err
    assert onboarded.read_bytes() == before
    assert run("models", "sync", "--apply", "--primary", "aisa/kimi-k2.5").code == 0
    assert read_json(onboarded)["agents"]["defaults"]["model"]["primary"] == "aisa/kimi-k2.5"


def test_sync_apply_moves_a_retired_primary_to_the_successor_plugin_toml_names(run, onboarded, fake_aisa):
    config = read_json(onboarded)
    config["models"]["providers"]["aisa"]["models"].append({"id": "deepseek-v3-0324", "name": "DeepSeek V3 0324"})
    config["agents"]["defaults"]["model"] = {"primary": "aisa/deepseek-v3-0324", "fallbacks": ["aisa/kimi-k2.5"]}
    write_json(onboarded, config)
    report = run("models", "sync", "--json")
    assert report.json["gone"] == ["deepseek-v3-0324"] and report.json["successors"] == {"deepseek-v3-0324": "deepseek-v3.1"}
    done = run("models", "sync", "--apply")
    assert done.code == 0, done.err
    after = read_json(onboarded)
    assert after["agents"]["defaults"]["model"] == {"primary": "aisa/deepseek-v3.1", "fallbacks": ["aisa/kimi-k2.5"]}
    assert "deepseek-v3-0324" not in [m["id"] for m in after["models"]["providers"]["aisa"]["models"]]


def test_sync_apply_refuses_to_act_on_a_stale_list(run, onboarded, fake_aisa):
    assert run("models", "list", "--live").code == 0
    fake_aisa.stop()
    before = onboarded.read_bytes()
    done = run("models", "sync", "--apply")
    assert done.code == 1 and "nothing was written" in done.err
    assert onboarded.read_bytes() == before


# --- chat -----------------------------------------------------------------------------------


def test_chat_streams_the_answer_and_ends_with_usage_and_cost(run, onboarded, fake_aisa):
    done = run("chat", "-m", "kimi-k2.5", "Say hello")
    assert done.code == 0, done.err
    assert done.out.strip() == fake_aisa.reply
    assert "12 in + 8 out tokens" in done.err and "$0.000022" in done.err
    [request] = fake_aisa.chat_requests()
    body = request.json
    assert body["model"] == "kimi-k2.5" and body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["messages"] == [{"role": "user", "content": "Say hello"}]
    assert "temperature" not in body and body["max_tokens"] >= 32768
    assert request.headers["authorization"] == f"Bearer {KEY}"


def test_chat_shows_reasoning_apart_from_the_answer(run, onboarded, fake_aisa):
    fake_aisa.reasoning = "Let me think about greetings."
    done = run("chat", "-m", "aisa/kimi-k2.5", "Say hello")
    assert "Let me think about greetings." in done.err
    assert "Let me think" not in done.out and fake_aisa.reply in done.out


def test_chat_json_has_content_usage_and_cost(run, onboarded, fake_aisa):
    done = run("chat", "-m", "deepseek-v3.1", "hi", "--json")
    assert done.json["content"] == fake_aisa.reply
    assert done.json["usage"]["total_tokens"] == 20
    assert done.json["cost_usd"] == pytest.approx((12 * 0.4018 + 8 * 1.2047) / 1e6, rel=1e-6)


def test_chat_with_an_unknown_model_sends_one_request_and_suggests_ids(run, onboarded, fake_aisa):
    done = run("chat", "-m", "kimi-k2.6x", "hi")
    assert done.code == 1
    assert len(fake_aisa.chat_requests()) == 1
    assert "kimi-k2.5" in done.err and len(done.err.strip().splitlines()) == 1


def test_chat_waits_out_a_rate_limit_and_succeeds(run, onboarded, fake_aisa):
    fake_aisa.fail_next("rate_limited", retry_after=0)
    done = run("chat", "-m", "qwen3-max", "hi")
    assert done.code == 0, done.err
    assert len(fake_aisa.chat_requests()) == 2


def test_chat_names_the_kimi_temperature_fix(run, onboarded, fake_aisa):
    fake_aisa.fail_next("upstream_temperature")
    done = run("chat", "-m", "kimi-k2.5", "hi")
    assert done.code == 1 and "params.temperature" in done.err


def test_chat_without_a_key_says_how_to_get_one(run, online, home):
    done = run("chat", "-m", "kimi-k2.5", "hi")
    assert done.code == 2 and "AISA_API_KEY" in done.err


def test_chat_uses_the_exported_key_over_the_dotenv_one(run, onboarded, fake_aisa, monkeypatch):
    monkeypatch.setenv("AISA_API_KEY", OTHER_KEY)
    done = run("chat", "-m", "kimi-k2.5", "hi")
    assert done.code == 1 and "key" in done.err.lower()
    assert fake_aisa.chat_requests()[0].headers["authorization"] == f"Bearer {OTHER_KEY}"


def test_offline_mode_refuses_network_commands_clearly(run, onboarded, fake_aisa, monkeypatch):
    monkeypatch.setenv("OPENCLAW_AISA_OFFLINE", "1")
    done = run("chat", "-m", "kimi-k2.5", "hi")
    assert done.code == 1 and "OPENCLAW_AISA_OFFLINE" in done.err
    assert fake_aisa.requests == []


# --- the real OpenClaw judges what add and sync write ---------------------------------------


@pytest.mark.openclaw
def test_models_added_from_the_live_list_are_valid_and_listed_by_openclaw(openclaw, our_cli, fake_aisa, home):
    online = {"OPENCLAW_AISA_OFFLINE": None}
    fake_aisa.models.append("kimi-k2.6")
    done = our_cli("onboard", "--aisa-api-key", KEY, "--base-url", fake_aisa.base_url, "--no-plugin", "--non-interactive", **online)
    assert done.returncode == 0, done.stderr
    done = our_cli("models", "add", "deepseek-r1", "kimi-k2.6", **online)
    assert done.returncode == 0, done.stderr
    fake_aisa.models.remove("qwen-mt-flash")
    done = our_cli("models", "sync", "--apply", **online)
    assert done.returncode == 0, done.stderr
    assert openclaw.validate(home)["valid"]
    refs = set(openclaw.aisa_models(home))
    assert {"aisa/deepseek-r1", "aisa/kimi-k2.6"} <= refs and "aisa/qwen-mt-flash" not in refs


# --- doctor, end to end ---------------------------------------------------------------------


def broken(config_path) -> None:
    """The seed's mistakes and the quirks users hit, all at once."""
    config = read_json(config_path)
    models = config["models"]["providers"]["aisa"]["models"]
    models[0]["id"] = "aisa/qwen3-max"
    next(m for m in models if m["id"] == "qwen-plus-2025-12-01")["supportsDeveloperRole"] = False
    next(m for m in models if m["id"] == "kimi-k2.5")["maxTokens"] = 4096
    config["agents"]["defaults"]["model"] = {"primary": "aisa/qwen-mt-flash", "fallbacks": ["aisa/qwen-plus"]}
    config["agents"]["defaults"]["models"] = {"openai/gpt-5": {}, "aisa/kimi-k2.5": {"params": {"temperature": 0.3}}}
    write_json(config_path, config)
    config_path.chmod(0o644)


DOCTOR_CHECKS = {
    "block.prefixed-id",
    "block.compat-outside",
    "tokens.thinking",
    "perm.config",
    "ref.translation",
    "ref.alias",
    "allow.missing",
    "temp.model",
}


def test_doctor_finds_each_problem_and_fix_repairs_it(run, onboarded, fake_aisa, monkeypatch):
    broken(onboarded)
    before = run("doctor", "--json")
    assert before.code == 1
    assert DOCTOR_CHECKS <= {f["check"] for f in before.json["findings"]}
    assert not (onboarded.parent / "openclaw.json.bak").exists()
    fixed = run("doctor", "--fix", "--json")
    assert fixed.code == 0, fixed.out
    assert not DOCTOR_CHECKS & {f["check"] for f in fixed.json["remaining"]}
    assert (onboarded.parent / "openclaw.json.bak").exists()
    config = read_json(onboarded)
    assert config["agents"]["defaults"]["model"] == {"primary": "aisa/qwen3-max", "fallbacks": ["aisa/qwen-plus-2025-12-01"]}
    assert "temperature" not in config["agents"]["defaults"]["models"]["aisa/kimi-k2.5"].get("params", {})
    assert oct(onboarded.stat().st_mode & 0o777) == "0o600"
    again = run("doctor", "--json")
    assert again.code == 0 and {f["level"] for f in again.json["findings"]} <= {"info"}


def test_doctor_online_checks_the_key_and_that_every_model_is_served(run, onboarded, fake_aisa):
    fake_aisa.models.remove("kimi-k2.5")
    fake_aisa.models.append("kimi-k2.6")
    done = run("doctor")
    assert done.code == 1
    line = next(text for text in done.out.splitlines() if "live.not-served" in text)
    assert "'kimi-k2.5'" in line
    assert "did you mean kimi-k2.6" in done.out
    assert "accepted the key" in done.out


def test_doctor_reports_a_refused_key_as_an_error(run, onboarded, fake_aisa):
    fake_aisa.fail_next("invalid_api_key")
    done = run("doctor", "--json")
    assert done.code == 1
    [finding] = [f for f in done.json["findings"] if f["check"] == "live.key"]
    assert finding["level"] == "error" and "console.aisa.one" in finding["fix"]


def test_doctor_offline_asks_nothing_and_says_so(run, onboarded, fake_aisa):
    done = run("doctor", "--offline")
    assert done.code == 0 and "offline" in done.out.splitlines()[0]
    assert fake_aisa.requests == []


def test_doctor_with_no_config_says_to_onboard(run, online):
    done = run("doctor", "--offline")
    assert done.code == 1 and "openclaw-aisa onboard --auth-choice aisa-api-key" in done.out


@pytest.mark.openclaw
def test_doctor_fix_turns_a_config_openclaw_rejects_into_one_it_accepts(openclaw, our_cli, home):
    done = our_cli("onboard", "--aisa-api-key", KEY, "--no-plugin", "--non-interactive", "--openclaw-version", openclaw.version)
    assert done.returncode == 0, done.stderr
    config_path = home / ".openclaw" / "openclaw.json"
    broken(config_path)
    assert not openclaw.validate(home)["valid"]
    done = our_cli("doctor", "--fix", "--openclaw-version", openclaw.version)
    assert done.returncode == 0, done.stdout + done.stderr
    assert openclaw.validate(home)["valid"]
    models = openclaw.aisa_models(home)
    assert [ref for ref, tags in models.items() if "default" in tags] == ["aisa/qwen3-max"]


def test_no_online_command_prints_or_caches_a_key(run, onboarded, fake_aisa, monkeypatch, state_dir, tmp_path):
    """A sweep: every online command, keys in every source, success and failure; the `run` fixture checks output."""
    monkeypatch.setenv("AISA_API_KEY", KEY)
    (state_dir / ".env").write_text(f"AISA_API_KEY={OTHER_KEY}\n")
    faults = (
        None,
        "invalid_api_key",
        "insufficient_balance",
        "no_channel",
        "upstream_temperature",
        "bad_gateway",
        "cut_stream",
        "stream_error",
    )
    for fault in faults:
        for argv in (
            ("models", "list", "--live", "--refresh"),
            ("models", "add", "deepseek-r1", "--dry-run"),
            ("models", "sync"),
            ("chat", "-m", "kimi-k2.5", "hi"),
            ("chat", "-m", "kimi-k2.5", "hi", "--json"),
            ("doctor",),
            ("doctor", "--json"),
            ("onboard", "--aisa-api-key", OTHER_KEY, "--non-interactive", "--no-plugin", "--dry-run"),
            ("bench", "--models", "kimi-k2.5", "--runs", "1", "--csv", str(tmp_path / "b.csv"), "--chart", str(tmp_path / "b.html")),
        ):
            if fault:
                fake_aisa.fail_next(fault, count=3)
            run(*argv)
            fake_aisa._faults.clear()
    for path in tmp_path.rglob("*"):
        assert KEY not in path.name and OTHER_KEY not in path.name, path
        if path.is_file() and path.parent != state_dir:
            data = path.read_bytes()
            assert KEY.encode() not in data and OTHER_KEY.encode() not in data, path


# --- balance ---------------------------------------------------------------------------------------------------


def test_balance_shows_the_wallet_and_the_keys_own_limit(run, onboarded, fake_aisa):
    done = run("balance")
    assert done.code == 0, done.err
    assert "wallet: $12.00 available of $12.34" in done.out
    assert "this key: $4.50 left of its limit ($0.50 used)" in done.out
    assert "request id " in done.out and KEY not in done.out + done.err
    [asked] = [r for r in fake_aisa.requests if r.path.endswith("/credits/balance")]
    assert asked.headers["authorization"] == f"Bearer {KEY}"


def test_balance_json_in_currency_units_and_exit_1_when_spent(run, onboarded, fake_aisa):
    fake_aisa.balance["api_key"] = {"unlimited": False, "remaining_micros_usd": 0, "used_micros_usd": 2_000_000}
    done = run("balance", "--json")
    assert done.code == 1
    assert done.json["available_balance"] == 12.0 and done.json["api_key"] == {"unlimited": False, "remaining": 0.0, "used": 2.0}
    assert done.json["spent"] == "key" and done.json["key"]["masked"].startswith("sk-aisa-…")


def test_balance_from_something_that_is_not_aisa_is_one_clear_line(run, onboarded, fake_aisa):
    fake_aisa.balance = {"hello": "world"}
    done = run("balance")
    assert done.code == 1 and done.err.strip().count("\n") == 0 and "not AIsa's" in done.err


@pytest.mark.parametrize(
    ("wallet", "key", "words"),
    [
        (0, {"unlimited": True, "remaining_micros_usd": 0, "used_micros_usd": 9_000_000}, "wallet is empty"),
        (5_000_000, {"unlimited": False, "remaining_micros_usd": 0, "used_micros_usd": 3_000_000}, "its own spending limit after $3.00"),
    ],
)
def test_doctor_explains_a_402_from_the_balance(run, onboarded, fake_aisa, wallet, key, words):
    fake_aisa.balance.update(available_balance_micros_usd=wallet, api_key=key)
    fake_aisa.fail_next("insufficient_balance", code="insufficient_api_key_balance" if wallet else "insufficient_wallet_balance")
    done = run("doctor", "--json")
    [finding] = [f for f in done.json["findings"] if f["check"] == "live.payment"]
    assert words in finding["message"] and "request id" in finding["message"]


def test_balance_offline_without_a_key_is_one_clear_line(run, home, monkeypatch):
    monkeypatch.setenv("OPENCLAW_AISA_OFFLINE", "1")
    done = run("balance")
    assert done.code == 1 and "OPENCLAW_AISA_OFFLINE is set" in done.err and "internal error" not in done.err


@pytest.mark.parametrize("doubled", [False, True], ids=["v1-missing", "v1-doubled"])
def test_a_base_url_with_v1_missing_or_doubled_is_corrected_on_the_key_check(run, fake_aisa, online, config_path, doubled):
    """The fake answers 404 outside /v1, as an OpenAI-compatible API does: the key check tries the URL with
    /v1 added (or the doubled one removed), and the config gets the one that answered."""
    right = fake_aisa.base_url
    given = right + "/v1" if doubled else right.removesuffix("/v1")
    done = run("onboard", "--non-interactive", "--aisa-api-key", KEY, "--base-url", given, "--no-plugin")
    assert done.code == 0, done.err
    assert f"{given} is not AIsa's API" in done.err and f"{right} is: the config uses that" in done.err
    assert read_json(config_path)["models"]["providers"]["aisa"]["baseUrl"] == right
    assert [r.path for r in models_requests(fake_aisa)] == [given.removeprefix(right.removesuffix("/v1")) + "/models", "/v1/models"]


def test_doctor_finds_a_configured_base_url_without_v1_and_fix_corrects_it(run, fake_aisa, online, config_path):
    right = fake_aisa.base_url
    assert run("onboard", "--non-interactive", "--aisa-api-key", KEY, "--base-url", right, "--no-plugin").code == 0
    config = read_json(config_path)
    config["models"]["providers"]["aisa"]["baseUrl"] = right.removesuffix("/v1")
    write_json(config_path, config)
    found = run("doctor", "--json")
    assert found.code == 1
    [finding] = [f for f in json.loads(found.out)["findings"] if f["check"] == "block.base-url"]
    assert finding["fixable"] and right in finding["fix"]
    fixed = run("doctor", "--fix", "--json")
    assert fixed.code == 0, fixed.out
    assert read_json(config_path)["models"]["providers"]["aisa"]["baseUrl"] == right


def test_a_base_url_whose_corrected_path_does_not_answer_either_is_left_as_given(run, fake_aisa, online, config_path):
    given = fake_aisa.base_url + "/elsewhere"
    done = run("onboard", "--non-interactive", "--aisa-api-key", KEY, "--base-url", given, "--no-plugin")
    assert done.code == 0 and "key not verified" in done.err
    assert read_json(config_path)["models"]["providers"]["aisa"]["baseUrl"] == given


def test_aisa_base_url_is_read_like_the_key(run, fake_aisa, online, config_path, state_dir, monkeypatch):
    """Exported, it is onboarding's --base-url; in the .env, the online commands' endpoint where the config has none."""
    monkeypatch.setenv("AISA_BASE_URL", fake_aisa.base_url)
    done = run("onboard", "--non-interactive", "--aisa-api-key", KEY, "--no-plugin")
    assert done.code == 0, done.err
    assert "from AISA_BASE_URL in the environment" in done.err
    assert read_json(config_path)["models"]["providers"]["aisa"]["baseUrl"] == fake_aisa.base_url
    config = read_json(config_path)
    del config["models"]["providers"]["aisa"]["baseUrl"]
    write_json(config_path, config)
    monkeypatch.delenv("AISA_BASE_URL")
    (state_dir / ".env").write_text(f"AISA_API_KEY={KEY}\nAISA_BASE_URL={fake_aisa.base_url}\n")
    before = len(fake_aisa.requests)
    assert run("balance", "--json").code == 0
    assert len(fake_aisa.requests) == before + 1  # it went to the fake, not to api.aisa.one


def test_a_bad_aisa_base_url_is_one_line_naming_where_it_was_set(run, online, config_path, monkeypatch):
    monkeypatch.setenv("AISA_BASE_URL", "http://example.com/v1")
    done = run("onboard", "--non-interactive", "--aisa-api-key", KEY, "--no-plugin")
    assert done.code == 2 and done.err.count("\n") == 1
    assert "AISA_BASE_URL in the environment" in done.err and "plain http" in done.err
    assert not config_path.exists()

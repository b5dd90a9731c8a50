"""What a user sees from each command: files written, messages, exit codes, and keys never shown."""

from __future__ import annotations

import json

import pytest

from .conftest import KEY, OTHER_KEY, mode, read_json, write_json

ONBOARD = ("onboard", "--auth-choice", "aisa-api-key", "--non-interactive")


def test_onboard_with_a_key_writes_config_and_dotenv_with_private_permissions(run, state_dir, config_path):
    result = run(*ONBOARD, "--aisa-api-key", KEY)
    assert result.code == 0, result.err
    config = read_json(config_path)
    assert config["models"]["providers"]["aisa"]["apiKey"] == {"source": "env", "provider": "default", "id": "AISA_API_KEY"}
    assert config["agents"]["defaults"]["model"]["primary"] == "aisa/qwen3-max"
    assert (state_dir / ".env").read_text() == f"AISA_API_KEY={KEY}\n"
    assert mode(config_path) == 0o600 and mode(state_dir / ".env") == 0o600 and mode(state_dir) == 0o700
    assert "sk-aisa-…TEST" in result.out
    assert KEY not in config_path.read_text()


def test_onboard_twice_writes_nothing_the_second_time(run, config_path):
    run(*ONBOARD, "--aisa-api-key", KEY)
    before = config_path.read_bytes()
    result = run(*ONBOARD, "--aisa-api-key", KEY)
    assert result.code == 0
    assert "nothing to change" in result.out
    assert config_path.read_bytes() == before
    assert not config_path.with_name("openclaw.json.bak").exists()


def test_dry_run_shows_a_masked_diff_and_writes_nothing(run, state_dir):
    result = run(*ONBOARD, "--aisa-api-key", KEY, "--dry-run")
    assert result.code == 0
    assert '+        "baseUrl": "https://api.aisa.one/v1",' in result.out
    assert "+AISA_API_KEY=sk-aisa-…TEST" in result.out
    assert "(dry run: nothing written)" in result.out
    assert not state_dir.exists()


def test_dry_run_masks_a_plaintext_key_in_the_config_diff(run, state_dir):
    result = run(*ONBOARD, "--aisa-api-key", KEY, "--dry-run", "--secret-input-mode", "plaintext")
    assert '"apiKey": "sk-aisa-…TEST"' in result.out


def test_plaintext_mode_stores_the_key_inline_with_a_warning(run, config_path, state_dir):
    result = run(*ONBOARD, "--aisa-api-key", KEY, "--secret-input-mode", "plaintext")
    assert read_json(config_path)["models"]["providers"]["aisa"]["apiKey"] == KEY
    assert "plain text" in result.err
    assert not (state_dir / ".env").exists()


def test_key_from_stdin_with_dash(run, state_dir):
    assert run(*ONBOARD, "--aisa-api-key", "-", stdin=f"  {KEY}\n").code == 0
    assert (state_dir / ".env").read_text() == f"AISA_API_KEY={KEY}\n"


def test_key_from_the_environment_is_not_saved_without_persist_key(run, monkeypatch, state_dir, config_path):
    monkeypatch.setenv("AISA_API_KEY", KEY)
    result = run(*ONBOARD)
    assert result.code == 0
    assert config_path.exists() and not (state_dir / ".env").exists()
    assert "Gateway service sees a key only in its own environment" in result.err
    assert "--persist-key" in result.err


def test_key_from_the_environment_is_saved_with_persist_key(run, monkeypatch, state_dir):
    monkeypatch.setenv("AISA_API_KEY", KEY)
    assert run(*ONBOARD, "--persist-key").code == 0
    assert (state_dir / ".env").read_text() == f"AISA_API_KEY={KEY}\n"


def test_flag_beats_environment_and_says_which_one_openclaw_will_use(run, monkeypatch, state_dir):
    monkeypatch.setenv("AISA_API_KEY", OTHER_KEY)
    result = run(*ONBOARD, "--aisa-api-key", KEY)
    assert (state_dir / ".env").read_text() == f"AISA_API_KEY={KEY}\n"
    assert "your environment exports a different AISA_API_KEY (sk-aisa-…OTHR)" in result.err


def test_key_already_in_dotenv_is_used_and_other_lines_are_kept(run, state_dir, config_path):
    state_dir.mkdir(mode=0o700)
    (state_dir / ".env").write_text("# mine\nOPENAI_API_KEY=abc\nAISA_API_KEY=" + KEY + "\n")
    result = run(*ONBOARD)
    assert result.code == 0 and "(from .env)" in result.out
    run(*ONBOARD, "--aisa-api-key", OTHER_KEY)
    assert (state_dir / ".env").read_text() == f"# mine\nOPENAI_API_KEY=abc\nAISA_API_KEY={OTHER_KEY}\n"


def test_environment_and_dotenv_disagreeing_is_pointed_out(run, monkeypatch, state_dir):
    state_dir.mkdir(mode=0o700)
    (state_dir / ".env").write_text(f"AISA_API_KEY={OTHER_KEY}\n")
    monkeypatch.setenv("AISA_API_KEY", KEY)
    result = run(*ONBOARD)
    assert "differs between your environment (sk-aisa-…TEST)" in result.err
    assert "OpenClaw uses the environment's" in result.err


def test_no_key_and_no_terminal_names_the_flag_and_the_variable(run, state_dir):
    result = run(*ONBOARD)
    assert result.code == 2
    assert "--aisa-api-key" in result.err and "AISA_API_KEY" in result.err
    assert not state_dir.exists()


@pytest.mark.parametrize("bad", ["", "   ", "sk-aisa-has space", 'sk-aisa-quote"d'])
def test_a_bad_key_is_refused_and_nothing_is_written(run, state_dir, bad):
    result = run(*ONBOARD, "--aisa-api-key", bad)
    assert result.code == 2 and result.err.count("\n") == 1
    assert not state_dir.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://api.example.com/v1", "plain http to a remote host"),
        ("https://user:pw@api.aisa.one/v1", "must not carry credentials"),
        ("ftp://x", "not an http(s) URL"),
    ],
)
def test_unsafe_base_urls_are_refused(run, state_dir, url, message):
    result = run(*ONBOARD, "--aisa-api-key", KEY, "--base-url", url)
    assert result.code == 2 and message in result.err
    assert not state_dir.exists()


def test_loopback_http_base_url_is_allowed(run, config_path):
    assert run(*ONBOARD, "--aisa-api-key", KEY, "--base-url", "http://127.0.0.1:8123/v1/").code == 0
    assert read_json(config_path)["models"]["providers"]["aisa"]["baseUrl"] == "http://127.0.0.1:8123/v1"


def test_unknown_auth_choice_is_a_usage_error(run):
    result = run("onboard", "--auth-choice", "nope", "--non-interactive")
    assert result.code == 2 and "invalid choice: 'nope'" in result.err


def test_bad_config_is_one_line_exit_2_and_untouched(run, config_path):
    config_path.parent.mkdir()
    config_path.write_text('{"models": [1, 2]}')
    result = run(*ONBOARD, "--aisa-api-key", KEY)
    assert result.code == 2
    assert result.err.strip().count("\n") == 0 and "models is a list where OpenClaw expects an object" in result.err
    assert config_path.read_text() == '{"models": [1, 2]}'


def test_json5_config_is_merged_and_the_lost_comments_are_announced(run, config_path):
    config_path.parent.mkdir()
    config_path.write_text("// keep me\n{ gateway: { port: 18789, }, }\n")
    result = run(*ONBOARD, "--aisa-api-key", KEY)
    assert result.code == 0
    assert result.err.count("has comments (JSON5)") == 1 and "$include" in result.err
    assert read_json(config_path)["gateway"] == {"port": 18789}
    assert config_path.with_name("openclaw.json.bak").read_text().startswith("// keep me")


@pytest.mark.parametrize(
    "argv",
    [
        ("models", "set", "aisa/kimi-k2.5"),
        ("doctor", "--fix", "--offline"),
        (*ONBOARD, "--primary", "aisa/kimi-k2.5", "--dry-run"),
        ("remove", "--no-plugin", "--non-interactive", "--primary", "openai/gpt-5"),
        ("remove", "--no-plugin", "--dry-run", "--primary", "openai/gpt-5"),
    ],
    ids=lambda argv: " ".join(argv),
)
def test_every_command_that_rewrites_a_commented_config_says_so_first(run, config_path, argv):
    """Not only onboarding: the one transaction says it, for every writer and for a dry run."""
    assert run(*ONBOARD, "--aisa-api-key", KEY).code == 0
    config = read_json(config_path)
    config["models"]["providers"]["aisa"]["models"][0].pop("name")  # something for doctor --fix to repair
    config_path.write_text("// my notes on this setup\n" + json.dumps(config, indent=2).replace('"merge"', '"merge", // why') + "\n")
    before = config_path.read_bytes()
    result = run(*argv)
    assert result.code in (0, 1), result.err
    assert result.err.count("has comments (JSON5)") == 1, result.err
    if "--dry-run" in argv:
        assert config_path.read_bytes() == before
    else:
        assert config_path.with_name("openclaw.json.bak").read_bytes() == before


def test_a_json5_config_without_comments_gets_no_warning(run, config_path):
    config_path.parent.mkdir()
    config_path.write_text('{ gateway: { port: 18789, }, "note": "see https://docs.openclaw.ai/config" }\n')
    result = run(*ONBOARD, "--aisa-api-key", KEY)
    assert result.code == 0 and "comments" not in result.err


def test_an_included_models_block_is_refused(run, config_path):
    config_path.parent.mkdir()
    (config_path.parent / "models.json5").write_text("{ models: { providers: {} } }")
    config_path.write_text('{"$include": "./models.json5", "gateway": {"port": 1}}')
    result = run(*ONBOARD, "--aisa-api-key", KEY)
    assert result.code == 2 and "$include" in result.err
    assert config_path.read_text() == '{"$include": "./models.json5", "gateway": {"port": 1}}'


def test_an_include_that_does_not_hold_models_is_fine(run, config_path):
    config_path.parent.mkdir()
    (config_path.parent / "channels.json5").write_text("{ channels: {} }")
    config_path.write_text('{"$include": "./channels.json5"}')
    assert run(*ONBOARD, "--aisa-api-key", KEY).code == 0
    assert read_json(config_path)["$include"] == "./channels.json5"


def test_readonly_config_is_refused(run, monkeypatch, config_path):
    write_json(config_path, {})
    monkeypatch.setenv("OPENCLAW_CONFIG_READONLY", "1")
    result = run(*ONBOARD, "--aisa-api-key", KEY)
    assert result.code == 2 and "OPENCLAW_CONFIG_READONLY" in result.err
    assert read_json(config_path) == {}


def test_json_output_lists_changes_and_the_masked_key(run):
    result = run(*ONBOARD, "--aisa-api-key", KEY, "--json")
    report = result.json
    assert report["key"] == {
        "source": "flag",
        "masked": "sk-aisa-…TEST",
        "stored": report["key"]["stored"],
        "env_var": "AISA_API_KEY",
        "verified": None,
        "models_visible": None,
    }
    assert report["primary"] == "aisa/qwen3-max"
    assert any(c["path"] == "models.providers.aisa" for c in report["changes"])


def test_remove_after_a_lone_onboarding_gives_back_the_original_file(run, config_path, state_dir):
    original = {"gateway": {"port": 18789}, "agents": {"defaults": {"workspace": "~/w"}}}
    write_json(config_path, original)
    run(*ONBOARD, "--aisa-api-key", KEY)
    result = run("remove", "--purge-key", "--non-interactive")
    assert result.code == 0, result.err
    assert read_json(config_path) == original
    assert "AISA_API_KEY" not in (state_dir / ".env").read_text()


def test_remove_with_a_chosen_aisa_primary_needs_primary_flag(run, config_path):
    run(*ONBOARD, "--aisa-api-key", KEY)
    run("models", "set", "aisa/kimi-k2.5")
    write_json(config_path, read_json(config_path))  # the user edits the file; onboarding's record still holds
    from openclaw_aisa.adapters import journal

    journal.update(config_path, "aisa", forget=True)
    result = run("remove", "--non-interactive")
    assert result.code == 2 and "--primary" in result.err
    assert run("remove", "--primary", "openai/gpt-5", "--non-interactive").code == 0
    assert read_json(config_path)["agents"]["defaults"]["model"]["primary"] == "openai/gpt-5"


def test_models_list_shows_catalogue_configured_and_primary(run):
    before = run("models", "list", "--json").json
    assert [m["ref"] for m in before["models"]][:5] == [
        "aisa/qwen3-max",
        "aisa/qwen-plus-2025-12-01",
        "aisa/qwen-mt-flash",
        "aisa/deepseek-v3.1",
        "aisa/kimi-k2.5",
    ]
    assert "aisa/glm-5" in [m["ref"] for m in before["models"]]
    assert not any(m["configured"] for m in before["models"])
    run(*ONBOARD, "--aisa-api-key", KEY)
    after = run("models", "list", "--json").json
    assert all(m["configured"] for m in after["models"])
    assert [m["ref"] for m in after["models"] if m["primary"]] == ["aisa/qwen3-max"]
    table = run("models", "list").out
    assert "aisa/kimi-k2.5" in table and "primary" in table and "translation" in table and "as of 2026-04-01" in table


def test_models_set_changes_the_primary_and_suggests_close_ids(run, config_path):
    run(*ONBOARD, "--aisa-api-key", KEY)
    assert run("models", "set", "aisa/kimi-k2.5").code == 0
    assert read_json(config_path)["agents"]["defaults"]["model"]["primary"] == "aisa/kimi-k2.5"
    wrong = run("models", "set", "aisa/kimi-k25")
    assert wrong.code == 2 and "did you mean aisa/kimi-k2.5" in wrong.err
    translation = run("models", "set", "aisa/qwen-mt-flash")
    assert translation.code == 2 and "translation model" in translation.err


def test_detect_shows_masked_keys_and_which_one_openclaw_uses(run, monkeypatch, state_dir):
    assert "no key found" in run("detect").out
    state_dir.mkdir(mode=0o700)
    (state_dir / ".env").write_text(f"AISA_API_KEY={OTHER_KEY}\n")
    monkeypatch.setenv("AISA_API_KEY", KEY)
    out = run("detect").out
    assert "AISA_API_KEY in the environment: sk-aisa-…TEST   <- OpenClaw uses this one" in out
    assert "the Gateway service has its own" in out  # who reads each place
    assert "sk-aisa-…OTHR" in out
    creds = run("detect", "--json").json["providers"][0]["credentials"]
    assert [(c["source"], c["used_by_openclaw"]) for c in creds] == [("environment", True), (".env", False)]


def test_detect_shows_every_place_openclaw_reads_a_key_in_its_order(run, monkeypatch, state_dir, tmp_path, config_path, home):
    """3.31 reads the working directory's .env first (later versions ignore provider keys there), then
    the state dir's .env; 5.28 and later read ~/.config/openclaw/gateway.env last of the files; the
    config's env block comes after every file (research of 2026-12-02, each seen on the wire)."""
    state_dir.mkdir(mode=0o700)
    (state_dir / ".env").write_text(f"AISA_API_KEY={OTHER_KEY}\n")
    gateway_env = home / ".config" / "openclaw" / "gateway.env"
    gateway_env.parent.mkdir(parents=True)
    gateway_env.write_text("AISA_API_KEY=sk-aisa-fromthegatewayenvfileGWEN\n")
    write_json(
        config_path, {"env": {"vars": {"AISA_API_KEY": "sk-aisa-fromtheconfigenvblockCONF"}}, "meta": {"lastTouchedVersion": "2026.3.31"}}
    )
    work = tmp_path / "project"
    work.mkdir()
    (work / ".env").write_text(f"AISA_API_KEY={KEY}\n")
    monkeypatch.chdir(work)

    def seen(version):
        config = read_json(config_path)
        config["meta"]["lastTouchedVersion"] = version
        write_json(config_path, config)
        creds = run("detect", "--json").json["providers"][0]["credentials"]
        return [(c["source"], c["masked"][-4:], c["read_by_this_version"], c["used_by_openclaw"]) for c in creds], creds

    rows, creds = seen("2026.3.31")
    assert rows == [
        ("cwd .env", "TEST", True, True),
        (".env", "OTHR", True, False),
        ("gateway.env", "GWEN", False, False),
        ("config env", "CONF", True, False),
    ]
    assert creds[0]["where"] == str(work / ".env") and "not by the Gateway service" in creds[0]["who_reads_it"]
    rows, _ = seen("2026.9.6")
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("cwd .env", False, False),
        (".env", True, True),
        ("gateway.env", True, False),
        ("config env", True, False),
    ]
    (state_dir / ".env").unlink()
    rows, _ = seen("2026.9.6")
    assert [r[0] for r in rows if r[3]] == ["gateway.env"]


def test_config_path_follows_the_environment(run, monkeypatch, tmp_path, home):
    assert run("config", "path").out.strip() == str(home / ".openclaw" / "openclaw.json")
    monkeypatch.setenv("OPENCLAW_CONFIG_PATH", str(tmp_path / "x.json"))
    assert run("config", "path").out.strip() == str(tmp_path / "x.json")


def test_onboard_respects_openclaw_config_path(run, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENCLAW_CONFIG_PATH", str(tmp_path / "custom" / "oc.json"))
    assert run(*ONBOARD, "--aisa-api-key", KEY).code == 0
    assert "aisa" in read_json(tmp_path / "custom" / "oc.json")["models"]["providers"]


def test_version_comes_from_plugin_toml(run):
    import tomllib

    from openclaw_aisa.catalog import bundled_path

    version = tomllib.loads(bundled_path().read_text())["plugin"]["version"]
    result = run("--version")
    assert result.code == 0 and result.out.strip() == f"openclaw-aisa {version}"


SOURCES = ("flag", "stdin", "environment", "dotenv", "inline-config")


@pytest.mark.parametrize("source", SOURCES)
def test_no_command_shows_or_stores_a_key_from_any_source(
    run, fake_aisa, online, monkeypatch, tmp_path, home, state_dir, config_path, source
):
    """A sweep: the key in one source (and a second key exported where it can be), then every command,
    written or refused, online (the fake AIsa) and not. The key is in no output (the `run` fixture checks),
    no exception, no file name, and no file but the .env and a config the user keeps it in."""
    import os
    import sys

    monkeypatch.setenv("PATH", f"{os.path.dirname(sys.executable)}:/usr/bin:/bin")  # no openclaw: plugin commands refuse
    fake, bench_csv = fake_aisa.base_url, str(tmp_path / "bench.csv")
    onboard = ("onboard", "--non-interactive", "--no-plugin", "--base-url", fake)
    first = {
        "flag": (*onboard, "--aisa-api-key", KEY),
        "stdin": (*onboard, "--aisa-api-key", "-"),
        "environment": (*onboard, "--persist-key"),
        "dotenv": onboard,
        "inline-config": onboard,  # refused: onboarding takes no key from the config; the rest use it
    }[source]
    if source == "environment":
        monkeypatch.setenv("AISA_API_KEY", KEY)
    elif source == "flag":
        monkeypatch.setenv("AISA_API_KEY", OTHER_KEY)  # the warning names it, masked
    elif source == "dotenv":
        state_dir.mkdir(mode=0o700)
        (state_dir / ".env").write_text(f"AISA_API_KEY={KEY}\n")
    elif source == "inline-config":
        write_json(
            config_path,
            {
                "models": {
                    "providers": {
                        "aisa": {
                            "baseUrl": fake,
                            "api": "openai-completions",
                            "apiKey": KEY,
                            "models": [{"id": "kimi-k2.5", "name": "Kimi K2.5"}],
                        }
                    }
                }
            },
        )

    def sweep(*argv: str, stdin: str = "") -> None:
        try:
            run(*argv, stdin=stdin)
        except AssertionError:
            raise
        except Exception as e:  # an unexpected exception fails the test; its text must not carry the key either
            import traceback

            text = "".join(traceback.format_exception(e))
            assert KEY not in text and OTHER_KEY not in text, "a key leaked into an exception"
            raise

    sweep(*first, "--dry-run", stdin=f"{KEY}\n")
    sweep(*first, "--json", stdin=f"{KEY}\n")
    sweep(*first, stdin=f"{KEY}\n")
    for argv in (
        ("detect",),
        ("detect", "--json"),
        ("models", "list"),
        ("models", "list", "--json"),
        ("models", "list", "--live", "--refresh"),
        ("models", "set", "aisa/kimi-k2.5"),
        ("models", "set", "aisa/nope"),
        ("models", "add", "deepseek-r1", "--dry-run"),
        ("models", "add", "deepseek-r1"),
        ("models", "add", "qwen-flash", "--json"),
        ("models", "sync"),
        ("models", "sync", "--apply", "--json"),
        ("doctor",),
        ("doctor", "--json"),
        ("doctor", "--offline"),
        ("doctor", "--fix"),
        ("pricing",),
        ("pricing", "--json"),
        ("cost", "--model", "qwen3-max", "--tokens", "1M"),
        ("plugin", "status"),
        ("plugin", "status", "--json"),
        ("chat", "-m", "kimi-k2.5", "hi"),
        ("chat", "-m", "kimi-k2.5", "hi", "--json"),
        ("bench", "--models", "kimi-k2.5", "--runs", "1", "--csv", bench_csv),
        ("bench", "--models", "kimi-k2.5", "--runs", "1", "--json"),
        ("remove", "--dry-run", "--purge-key", "--primary", "openai/gpt-5"),
    ):
        sweep(*argv)
    fake_aisa.fail_next("invalid_api_key", count=3)
    sweep("chat", "-m", "kimi-k2.5", "hi")
    sweep(*onboard, "--aisa-api-key", KEY, "--secret-input-mode", "plaintext", "--skip-validation")
    sweep("remove", "--purge-key", "--primary", "openai/gpt-5", "--non-interactive")

    kept_by_the_user = {state_dir / ".env"} | set(state_dir.glob("openclaw.json*"))
    for path in tmp_path.rglob("*"):
        assert KEY not in path.name and OTHER_KEY not in path.name, path
        if path.is_file() and path not in kept_by_the_user:
            data = path.read_bytes()
            assert KEY.encode() not in data and OTHER_KEY.encode() not in data, path
    assert (tmp_path / "xdg-cache").exists() and (tmp_path / "xdg-state").exists()  # caches and the journal were written, and scanned


def test_readonly_config_leaves_the_dotenv_alone_too(run, monkeypatch, config_path, state_dir):
    write_json(config_path, {})
    (state_dir / ".env").write_text("OTHER=1\n")
    monkeypatch.setenv("OPENCLAW_CONFIG_READONLY", "1")
    assert run(*ONBOARD, "--aisa-api-key", KEY).code == 2
    assert (state_dir / ".env").read_text() == "OTHER=1\n"


def test_models_list_reads_a_malformed_config_without_crashing(run, config_path):
    write_json(config_path, {"models": {"providers": []}, "agents": {"defaults": "oops"}})
    result = run("models", "list", "--json")
    assert result.code == 0
    assert result.json["primary"] is None and not any(m["configured"] for m in result.json["models"])


@pytest.mark.parametrize("dotenv", ["OTHER=1\n", None], ids=["dotenv", "no-dotenv"])
def test_onboarding_that_loses_every_race_says_so_in_one_line_and_puts_the_dotenv_back(run, monkeypatch, config_path, state_dir, dotenv):
    """Another program writes the config after each of our reads: the retries run out, and the .env
    (written first) goes back to what it was, so no half of the onboarding stays."""
    from openclaw_aisa.adapters import store
    from openclaw_aisa.workflows.transaction import CONFLICT_RETRIES

    write_json(config_path, {"gateway": {"port": 1}})
    if dotenv is not None:
        (state_dir / ".env").write_text(dotenv)
    real, theirs = store.read_config, []

    def read_then_lose_the_race(path):
        snapshot = real(path)
        if path == config_path:
            theirs.append(len(theirs))
            write_json(config_path, {"gateway": {"port": 1}, "theirs": theirs[-1]})
        return snapshot

    monkeypatch.setattr(store, "read_config", read_then_lose_the_race)
    result = run(*ONBOARD, "--aisa-api-key", KEY)
    assert result.code == 1 and result.err.count("\n") == 1
    assert "changed while openclaw-aisa was working" in result.err and "run the command again" in result.err
    assert len(theirs) == CONFLICT_RETRIES + 1
    assert read_json(config_path) == {"gateway": {"port": 1}, "theirs": CONFLICT_RETRIES}
    assert sorted(p.name for p in state_dir.iterdir()) == ([".env"] if dotenv else []) + ["openclaw.json"]
    assert dotenv is None or (state_dir / ".env").read_text() == dotenv


def test_a_usage_error_is_one_line_that_points_at_the_help(run):
    result = run("onboard", "--auth-choice", "nope")
    assert result.code == 2 and result.err == (
        "openclaw-aisa onboard: error: argument --auth-choice: invalid choice: 'nope' (choose from 'aisa-api-key'); "
        "see `openclaw-aisa onboard --help`\n"
    )


def test_a_journal_that_cannot_be_saved_is_a_warning_and_the_config_stays_written(run, config_path, tmp_path, monkeypatch):
    blocked = tmp_path / "state-is-a-file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocked))  # the journal's directory cannot be created
    result = run(*ONBOARD, "--aisa-api-key", KEY)
    assert result.code == 0, result.err
    assert read_json(config_path)["models"]["providers"]["aisa"]["baseUrl"] == "https://api.aisa.one/v1"
    warning = [line for line in result.err.splitlines() if "record of what onboarding added was not saved" in line]
    assert len(warning) == 1 and "the config is written" in warning[0]
    before = config_path.read_bytes()
    removed = run("remove", "--non-interactive", "--primary", "openai/gpt-5")  # it needs that record: it says so
    assert removed.code == 2 and removed.err.count("\n") == 1 and "move it away" in removed.err
    assert config_path.read_bytes() == before


def test_remove_says_the_key_stays_in_the_dotenv_unless_purged(run, state_dir):
    run(*ONBOARD, "--aisa-api-key", KEY)
    kept = run("remove", "--non-interactive")
    assert kept.code == 0, kept.err
    assert f"AISA_API_KEY stays in {state_dir / '.env'}" in kept.out and "--purge-key" in kept.out
    assert "AISA_API_KEY=" in (state_dir / ".env").read_text()
    run(*ONBOARD, "--aisa-api-key", KEY)
    purged = run("remove", "--purge-key", "--non-interactive")
    assert "stays in" not in purged.out and "AISA_API_KEY" in purged.out


def test_a_23_character_key_is_masked_with_its_last_four_as_readme_promises():
    from openclaw_aisa import keys

    assert keys.mask("sk-aisa-" + "abcdefghijk" + "WXYZ") == "sk-aisa-…WXYZ"  # 23 characters
    assert keys.mask("sk-aisa-short123") == "sk-aisa-…"  # 8 after the prefix: too few to show any


@pytest.mark.parametrize(
    ("version", "command"),
    [
        ("2026.9.6", "Next: openclaw tui --local\n"),
        ("2026.5.28", "Next: openclaw tui --local\n"),
        ("2026.3.31", "Next: openclaw config set gateway.mode local && openclaw gateway run   (then, in another terminal: openclaw tui)"),
    ],
)
def test_the_next_line_names_a_command_that_opens_a_tui_on_that_version(run, version, command):
    """Plain `openclaw tui` needs a running Gateway and its token: right after onboarding it exits
    "Missing gateway auth token" (tests/test_tui.py opens the named one for real)."""
    done = run(*ONBOARD, "--aisa-api-key", KEY, "--openclaw-version", version)
    assert done.code == 0, done.err
    assert command in done.out and "then /model aisa/" in done.out

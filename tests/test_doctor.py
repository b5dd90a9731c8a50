"""`doctor`: every problem is found on a config that has it, and gone after `fix` where a fix is safe.

Pure functions on plain dicts: the CLI does the reading, the chmods and the network.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from dataclasses import replace

import pytest

from openclaw_aisa import doctor, keys, merge, schema
from openclaw_aisa.catalog import load_catalog
from openclaw_aisa.types import AuthResult

from .conftest import KEY, OTHER_KEY
from .test_merge import SEED_BLOCK

AISA = load_catalog().providers[0]
ENV_REF = {"source": "env", "provider": "default", "id": "AISA_API_KEY"}
SAFE_MODES = {"state_dir": 0o700, "config": 0o600, "dotenv": 0o600}
LOCATIONS = {"config": "~/.openclaw/openclaw.json", "dotenv": "~/.openclaw/.env", "state_dir": "~/.openclaw"}


def onboarded(config: dict | None = None, version: str | None = None) -> dict:
    """What `openclaw-aisa onboard` writes (key referenced from the .env)."""
    block = schema.provider_block(AISA, api_key=schema.key_ref("AISA_API_KEY", version), version=version)
    result = AuthResult({"models": {"providers": {"aisa": block}}}, AISA.ref(AISA.default_model))
    return merge.apply_auth(config or {}, AISA, result, merge.Options(openclaw_version=version)).config


def context(config: dict, version: str | None = None, *, env=None, dotenv=None, modes=None, live=None, exists=True) -> doctor.Context:
    return doctor.Context(
        config,
        exists,
        AISA,
        env=env or {},
        dotenv={"AISA_API_KEY": KEY} if dotenv is None else dotenv,
        modes=SAFE_MODES if modes is None else modes,
        openclaw_version=version,
        live=live,
        locations=LOCATIONS,
    )


def diagnose(ctx: doctor.Context) -> list[doctor.Finding]:
    found = doctor.diagnose(ctx)
    text = json.dumps([f.__dict__ for f in found])
    assert KEY not in text and OTHER_KEY not in text, "a key leaked into a finding"
    return found


def checks(found, level: str | None = None) -> list[str]:
    return [f.check for f in found if level is None or f.level == level]


def the(found, check: str) -> doctor.Finding:
    [finding] = [f for f in found if f.check == check]
    return finding


def repaired(ctx: doctor.Context, check: str) -> tuple[doctor.Fixed, list[doctor.Finding]]:
    """Find `check` (fixable), fix everything found, and show it gone; a second fix changes nothing."""
    found = diagnose(ctx)
    assert check in checks(found), found
    assert all(f.fixable for f in found if f.check == check)
    fixed = doctor.fix(ctx, found)
    after = doctor.after(ctx, fixed)
    again = diagnose(after)
    assert check not in checks(again), again
    assert not [f for f in again if f.level == "error"], again
    second = doctor.fix(after, again)
    assert second.config == fixed.config and not second.changes
    return fixed, again


def aisa_block(config: dict) -> dict:
    return config["models"]["providers"]["aisa"]


def entry(config: dict, model_id: str) -> dict:
    return next(m for m in aisa_block(config)["models"] if m["id"] == model_id)


# --- a healthy config, and none at all ------------------------------------------------------------


@pytest.mark.parametrize("version", [None, *schema.SUPPORTED])
def test_a_freshly_onboarded_config_has_no_errors_or_warnings(version):
    found = diagnose(context(onboarded(version=version), version))
    assert checks(found) == ["key.source"]
    assert the(found, "key.source").message == f"OpenClaw takes the AIsa key from AISA_API_KEY in ~/.openclaw/.env: {keys.mask(KEY)}"
    assert doctor.fix(context(onboarded(version=version), version), found).changes == ()


@pytest.mark.parametrize("exists", [True, False])
def test_no_aisa_block_is_one_error_that_says_to_onboard(exists):
    config = {"models": {"providers": {"openrouter": {"baseUrl": "https://openrouter.ai/api/v1", "models": []}}}} if exists else {}
    [finding] = diagnose(context(config, exists=exists, modes={"state_dir": 0o755, "config": 0o644, "dotenv": None}))
    assert (finding.check, finding.level, finding.fixable) == ("block.missing", "error", False)
    assert "~/.openclaw/openclaw.json" in finding.message and "openclaw-aisa onboard" in finding.fix


def test_a_block_that_is_not_an_object_is_an_error_left_alone():
    config = {"models": {"providers": {"aisa": "https://api.aisa.one/v1"}}}
    found = diagnose(context(config))
    assert checks(found) == ["block.shape"]
    assert doctor.fix(context(config), found).config == config


def test_a_block_from_an_include_is_not_judged():
    config = {"models": {"providers": {"$include": "./providers.json5"}}}
    found = diagnose(context(config))
    assert checks(found) == ["config.include"]
    assert the(found, "config.include").level == "warning"


# --- the provider block -----------------------------------------------------------------------------


def test_the_seeds_prefixed_ids_become_bare_and_the_refs_keep_working():
    config = {
        "models": {"providers": {"aisa": copy.deepcopy(SEED_BLOCK)}},
        "agents": {"defaults": {"model": {"primary": "aisa/qwen3-max"}}},
    }
    found = diagnose(context(config))
    assert checks(found, "error") == ["block.prefixed-id", "block.compat-outside", "block.prefixed-id", "block.compat-outside"]
    fixed, _ = repaired(context(config), "block.prefixed-id")
    assert [m["id"] for m in aisa_block(fixed.config)["models"]] == ["qwen3-max", "kimi-k2.5"]
    assert fixed.config["agents"]["defaults"]["model"] == {"primary": "aisa/qwen3-max"}


def test_catalogue_models_whose_figures_differ_are_pointed_at_refresh_models():
    config = onboarded()
    entry(config, "qwen3-max")["contextWindow"] = 256000
    found = diagnose(context(config))
    finding = the(found, "block.drift")
    assert (finding.level, finding.fixable) == ("info", False)
    assert finding.message.startswith("aisa/qwen3-max differs") and "--refresh-models" in finding.fix
    assert doctor.fix(context(config), found).config == config


def test_a_compat_key_at_model_level_moves_into_compat():
    config = onboarded()
    entry(config, "qwen3-max").update(supportsDeveloperRole=False, maxTokensField="max_completion_tokens")
    del entry(config, "qwen3-max")["compat"]
    found = diagnose(context(config))
    assert checks(found, "error") == ["block.compat-outside", "block.compat-outside"]
    fixed, _ = repaired(context(config), "block.compat-outside")
    model = entry(fixed.config, "qwen3-max")
    assert "supportsDeveloperRole" not in model and "maxTokensField" not in model
    assert model["compat"] == {"supportsDeveloperRole": False, "maxTokensField": "max_completion_tokens", "supportsUsageInStreaming": True}


def test_a_compat_key_at_model_level_that_the_target_rejects_even_in_compat_is_dropped():
    config = onboarded(version="2026.5.28")
    entry(config, "kimi-k2.5")["supportsTemperature"] = False
    found = diagnose(context(config, "2026.5.28"))
    assert "removes it (OpenClaw 2026.5.28 rejects it in compat too)" == the(found, "block.compat-outside").fix
    fixed, _ = repaired(context(config, "2026.5.28"), "block.compat-outside")
    assert "supportsTemperature" not in json.dumps(entry(fixed.config, "kimi-k2.5"))


def test_an_alias_id_in_the_block_becomes_the_served_id_and_refs_follow():
    config = onboarded({"agents": {"defaults": {"model": {"primary": "aisa/qwen-plus"}, "models": {"aisa/qwen-plus": {"alias": "plus"}}}}})
    entry(config, "qwen-plus-2025-12-01")["id"] = "qwen-plus"
    del config["agents"]["defaults"]["models"]["aisa/qwen-plus-2025-12-01"]
    fixed, _ = repaired(context(config), "block.alias-id")
    assert "qwen-plus-2025-12-01" in [m["id"] for m in aisa_block(fixed.config)["models"]]
    assert fixed.config["agents"]["defaults"]["model"]["primary"] == "aisa/qwen-plus-2025-12-01"
    assert fixed.config["agents"]["defaults"]["models"]["aisa/qwen-plus-2025-12-01"] == {"alias": "plus"}


def test_missing_base_url_api_and_name_are_filled_in():
    config = onboarded()
    block = aisa_block(config)
    del block["baseUrl"], block["api"], entry(config, "kimi-k2.5")["name"]
    found = diagnose(context(config))
    assert [f.path for f in found if f.check == "block.missing-field"] == [
        "models.providers.aisa.baseUrl",
        "models.providers.aisa.api",
        "models.providers.aisa.models[4].name",
    ]
    fixed, _ = repaired(context(config), "block.missing-field")
    assert aisa_block(fixed.config) == aisa_block(onboarded())


def test_a_block_without_models_gets_the_catalogue_models():
    config = onboarded()
    del aisa_block(config)["models"]
    fixed, _ = repaired(context(config), "block.missing-field")
    assert aisa_block(fixed.config)["models"] == aisa_block(onboarded())["models"]


def test_a_model_without_an_id_is_an_error_left_alone():
    config = onboarded()
    aisa_block(config)["models"].append({"name": "nameless"})
    found = diagnose(context(config))
    finding = the(found, "block.shape")
    assert (finding.level, finding.fixable, finding.path) == ("error", False, f"models.providers.aisa.models[{len(AISA.models)}]")
    assert doctor.fix(context(config), found).config == config


@pytest.mark.parametrize(
    ("version", "where", "key", "value"),
    [
        ("2026.3.31", "provider", "timeoutSeconds", 60),
        ("2026.3.31", "kimi-k2.5", "params", {"thinking": "high"}),
        ("2026.5.28", "kimi-k2.5", "thinkingLevelMap", {"high": "high"}),
        ("2026.9.6", "compat", "requiresMistralToolIds", False),
    ],
)
def test_a_key_other_versions_accept_is_removed_for_a_target_that_rejects_it(version, where, key, value):
    config = onboarded(version=version)
    target = (
        aisa_block(config) if where == "provider" else entry(config, "qwen3-max")["compat"] if where == "compat" else entry(config, where)
    )
    target[key] = value
    finding = the(diagnose(context(config, version)), "block.rejected-key")
    assert finding.level == "error" and f"OpenClaw {version} rejects this key" in finding.message
    fixed, _ = repaired(context(config, version), "block.rejected-key")
    assert fixed.config == onboarded(version=version)


def test_kimis_newer_compat_keys_are_removed_when_judged_for_an_older_openclaw():
    config = onboarded(version="2026.9.6")
    found = diagnose(context(config, "2026.5.28"))
    rejected = sorted(
        (f.path.split(".models[")[1].split("]")[0], f.path.rsplit(".", 1)[1]) for f in found if f.check == "block.rejected-key"
    )
    kimi, deepseek_v4 = (str([m.id for m in AISA.models].index(i)) for i in ("kimi-k2.5", "deepseek-v4-flash"))
    assert sorted(rejected) == sorted(
        [
            (kimi, "requiresReasoningContentOnAssistantMessages"),
            (kimi, "supportsTemperature"),
            (deepseek_v4, "requiresReasoningContentOnAssistantMessages"),
        ]
    )
    fixed, _ = repaired(context(config, "2026.5.28"), "block.rejected-key")
    assert entry(fixed.config, "kimi-k2.5")["compat"] == entry(onboarded(version="2026.5.28"), "kimi-k2.5")["compat"]


def test_with_no_known_version_a_key_only_some_versions_accept_is_a_warning_left_alone():
    config = onboarded(version="2026.9.6")
    found = diagnose(context(config))
    assert {(f.check, f.level, f.fixable) for f in found if f.check.startswith("block.")} >= {("block.rejected-key", "warning", False)}
    assert "2026.3.31, 2026.5.28 refuse the whole config" in found[0].message
    assert doctor.fix(context(config), found).config == config


def test_a_key_no_version_knows_is_an_error_with_a_suggestion():
    config = onboarded()
    entry(config, "qwen3-max")["maxToken"] = 8192
    finding = the(diagnose(context(config)), "block.unknown-key")
    assert (finding.level, finding.fixable) == ("error", False)
    assert finding.fix.startswith("did you mean maxTokens?")


def test_a_thinking_model_with_a_small_budget_gets_the_catalogues():
    config = onboarded()
    entry(config, "kimi-k2.5")["maxTokens"] = 8192
    finding = the(diagnose(context(config)), "tokens.thinking")
    assert finding.level == "warning" and "replies come back empty" in finding.message
    fixed, _ = repaired(context(config), "tokens.thinking")
    assert entry(fixed.config, "kimi-k2.5")["maxTokens"] == AISA.model("kimi-k2.5").max_tokens.value


def test_a_kimi_the_catalogue_does_not_describe_is_told_its_budget_but_not_given_one():
    config = onboarded()
    aisa_block(config)["models"].append({"id": "kimi-k3", "name": "Kimi K3", "maxTokens": 4096})
    found = diagnose(context(config))
    finding = the(found, "tokens.thinking")
    assert (finding.level, finding.fixable) == ("warning", False) and "16384" in finding.fix
    assert entry(doctor.fix(context(config), found).config, "kimi-k3")["maxTokens"] == 4096


def test_a_thinking_model_without_max_tokens_counts_as_too_small_and_a_non_thinking_one_is_fine():
    config = onboarded()
    del entry(config, "kimi-k2.5")["maxTokens"]
    entry(config, "deepseek-v3.1")["maxTokens"] = 4096
    assert [f.path for f in diagnose(context(config)) if f.check == "tokens.thinking"] == ["models.providers.aisa.models[4].maxTokens"]
    repaired(context(config), "tokens.thinking")


# --- the key ---------------------------------------------------------------------------------------


def test_a_template_key_becomes_an_env_reference():
    config = onboarded()
    aisa_block(config)["apiKey"] = "${AISA_API_KEY}"
    assert the(diagnose(context(config, "2026.5.28")), "key.template").level == "warning"
    fixed, _ = repaired(context(config, "2026.5.28"), "key.template")
    assert aisa_block(fixed.config)["apiKey"] == ENV_REF
    assert "key.template" not in checks(diagnose(context(config)))  # no known version: either form holds


@pytest.mark.parametrize("version", ["2026.9.6", "2026.12.1"])
def test_an_env_reference_becomes_the_template_where_it_breaks_model_switching_in_the_local_tui(version):
    config = onboarded(version="2026.5.28")  # written for 5.28 (an env reference); OpenClaw since upgraded
    assert aisa_block(config)["apiKey"] == ENV_REF
    finding = the(diagnose(context(config, version)), "key.template")
    assert finding.level == "warning" and "tui --local" in finding.message and "/model" in finding.message
    fixed, _ = repaired(context(config, version), "key.template")
    assert aisa_block(fixed.config)["apiKey"] == "${AISA_API_KEY}"
    assert "key.template" not in checks(diagnose(context(fixed.config, version)))


def test_a_plaintext_key_is_a_warning_shown_masked_and_left_where_it_is():
    config = onboarded()
    aisa_block(config)["apiKey"] = KEY
    found = diagnose(context(config, dotenv={}))
    finding = the(found, "key.plaintext")
    assert (finding.level, finding.fixable) == ("warning", False)
    assert keys.mask(KEY) in finding.message and "--secret-input-mode ref" in finding.fix
    assert the(found, "key.source").message == f"OpenClaw takes the AIsa key from the config itself: {keys.mask(KEY)}"
    assert doctor.fix(context(config, dotenv={}), found).config == config


def test_no_key_anywhere_is_an_error_that_names_onboarding():
    config = onboarded()
    del aisa_block(config)["apiKey"]
    finding = the(diagnose(context(config, dotenv={})), "key.missing")
    assert (finding.level, finding.fixable) == ("error", False)
    assert "openclaw-aisa onboard" in finding.fix
    unresolved = the(diagnose(context(onboarded(), dotenv={})), "key.unresolved")
    assert (unresolved.level, unresolved.fixable) == ("error", False)
    assert "AISA_API_KEY is set neither in the environment nor in ~/.openclaw/.env" in unresolved.message


def test_a_missing_api_key_whose_variable_is_set_gets_a_reference():
    config = onboarded()
    del aisa_block(config)["apiKey"]
    fixed, _ = repaired(context(config), "key.missing")
    assert aisa_block(fixed.config)["apiKey"] == ENV_REF


def test_an_exported_key_beats_the_dotenv_and_a_difference_names_both_masked():
    found = diagnose(context(onboarded(), env={"AISA_API_KEY": KEY}, dotenv={"AISA_API_KEY": OTHER_KEY}))
    assert the(found, "key.source").message == f"OpenClaw takes the AIsa key from AISA_API_KEY in the environment: {keys.mask(KEY)}"
    conflict = the(found, "key.conflict")
    assert conflict.level == "warning" and not conflict.fixable
    assert keys.mask(KEY) in conflict.message and keys.mask(OTHER_KEY) in conflict.message
    assert "key.env-only" not in checks(found)


def test_a_key_only_in_the_shell_is_a_warning_that_the_gateway_will_not_see_it():
    finding = the(diagnose(context(onboarded(), env={"AISA_API_KEY": KEY}, dotenv={})), "key.env-only")
    assert finding.level == "warning" and "--persist-key" in finding.fix


def test_a_key_in_the_configs_env_vars_resolves():
    config = onboarded({"env": {"vars": {"AISA_API_KEY": KEY}}})
    found = diagnose(context(config, dotenv={}))
    assert checks(found) == ["key.plaintext", "key.source"] and "the config's env.vars" in found[1].message
    plain = the(found, "key.plaintext")
    assert plain.path == "env.vars.AISA_API_KEY" and "sk-aisa-…" in plain.message and "--persist-key" in plain.fix
    assert not plain.fixable  # where a secret lives is the user's choice: onboard --persist-key moves it


def test_the_guides_profile_pointer_is_an_error_replaced_by_a_reference_when_a_key_is_found():
    config = onboarded()
    aisa_block(config)["apiKey"] = "auth:aisa:default"
    fixed, _ = repaired(context(config), "key.pointer")
    assert aisa_block(fixed.config)["apiKey"] == ENV_REF
    found = diagnose(context(config, dotenv={}))
    pointer = the(found, "key.pointer")
    assert not pointer.fixable and "openclaw auth set" in pointer.message and "onboard" in pointer.fix
    assert "key.plaintext" not in checks(found)  # the pointer is no key: nothing to mask or move


def test_rows_as_the_guide_pastes_them_get_what_they_lack_and_keep_what_they_have():
    config = onboarded()
    aisa_block(config)["models"] = [{"id": "kimi-k2.5", "name": "Kimi K2.5"}, {"id": "grok-4.5", "name": "Grok", "maxTokens": 4096}]
    fixed, _ = repaired(context(config), "block.sparse")
    kimi, grok = aisa_block(fixed.config)["models"][:2]  # (and the primary, qwen3-max, added: a ref names it)
    assert kimi["contextWindow"] == 262144 and kimi["compat"]["maxTokensField"] == "max_tokens"
    assert grok["name"] == "Grok" and grok["maxTokens"] == 4096 and grok["contextWindow"] == 256000


def test_a_key_from_a_file_or_exec_secret_provider_is_a_fact():
    config = onboarded()
    aisa_block(config)["apiKey"] = {"source": "file", "provider": "vault", "id": "/aisa"}
    found = diagnose(context(config, dotenv={}))
    assert checks(found) == ["key.source"] and "file secret provider" in found[0].message


def test_a_key_kept_in_an_openclaw_auth_profile_is_a_fact_not_an_error():
    config = onboarded({"auth": {"profiles": {"aisa:default": {"provider": "aisa", "mode": "api_key"}}}})
    del aisa_block(config)["apiKey"]
    assert checks(diagnose(context(config, dotenv={}))) == ["key.source"]


def test_the_flat_env_form_from_aisas_docs_moves_to_env_vars():
    config = onboarded({"env": {"AISA_API_KEY": KEY}})
    assert the(diagnose(context(config, "2026.9.6")), "key.flat-env").level == "error"
    assert the(diagnose(context(config, "2026.5.28")), "key.flat-env").level == "warning"
    fixed, _ = repaired(context(config, "2026.9.6"), "key.flat-env")
    assert fixed.config["env"] == {"vars": {"AISA_API_KEY": KEY}}


def test_a_flat_env_key_is_not_moved_over_a_different_one_in_env_vars():
    """Two different keys: moving one would delete the other, so the user decides."""
    config = onboarded({"env": {"AISA_API_KEY": KEY, "vars": {"AISA_API_KEY": OTHER_KEY}}})
    finding = the(diagnose(context(config, "2026.9.6")), "key.flat-env")
    assert not finding.fixable and "different key" in finding.fix
    fixed = doctor.fix(context(config, "2026.9.6"), [finding])
    assert fixed.config["env"] == {"AISA_API_KEY": KEY, "vars": {"AISA_API_KEY": OTHER_KEY}}


def test_a_users_tuned_entry_wins_over_a_copied_seed_entry_for_the_same_model():
    tuned = {"id": "kimi-k2.5", "name": "Kimi (mine)", "contextWindow": 131072, "maxTokens": 65536}
    config = onboarded()
    aisa_block(config)["models"] = [copy.deepcopy(SEED_BLOCK["models"][1]), tuned]
    fixed, _ = repaired(context(config), "block.prefixed-id")
    [kept] = [m for m in aisa_block(fixed.config)["models"] if m["id"] == "kimi-k2.5"]
    assert kept == {**kept, **tuned}  # the tuned entry (its values; what it lacked filled in), not the seed's copy


# --- permissions -------------------------------------------------------------------------------------


def test_loose_permissions_are_warnings_and_the_fix_says_which_chmods():
    modes = {"state_dir": 0o755, "config": 0o644, "dotenv": 0o640}
    found = diagnose(context(onboarded(), modes=modes))
    assert checks(found, "warning") == ["perm.state-dir", "perm.config", "perm.dotenv"]
    assert the(found, "perm.dotenv").message == "~/.openclaw/.env is mode 0640: others can read the key in it"
    fixed, again = repaired(context(onboarded(), modes=modes), "perm.dotenv")
    assert fixed.chmods == (("state_dir", 0o700), ("config", 0o600), ("dotenv", 0o600))
    assert fixed.config == onboarded() and not [f for f in again if f.check.startswith("perm.")]


def test_absent_files_have_no_permission_findings():
    assert checks(diagnose(context(onboarded(), modes={"state_dir": 0o700, "config": 0o600, "dotenv": None}))) == ["key.source"]


# --- primary, fallbacks and the allowlist ---------------------------------------------------------------


def test_an_alias_primary_is_renamed_to_the_served_id():
    config = onboarded({"agents": {"defaults": {"model": "aisa/qwen-plus"}}})
    finding = the(diagnose(context(config)), "ref.alias")
    assert finding.level == "error" and finding.path == "agents.defaults.model"
    fixed, _ = repaired(context(config), "ref.alias")
    assert fixed.config["agents"]["defaults"]["model"] == "aisa/qwen-plus-2025-12-01"


def test_a_catalogue_model_named_as_fallback_but_not_configured_is_added_and_nothing_else():
    config = onboarded({"agents": {"defaults": {"model": {"primary": "aisa/qwen3-max", "fallbacks": ["aisa/deepseek-v3.1"]}}}})
    aisa_block(config)["models"] = [entry(config, "qwen3-max")]
    fixed, _ = repaired(context(config), "ref.not-configured")
    assert [m["id"] for m in aisa_block(fixed.config)["models"]] == ["qwen3-max", "deepseek-v3.1"]
    assert entry(fixed.config, "deepseek-v3.1") == schema.model_entry(AISA, AISA.model("deepseek-v3.1"))


def test_an_alias_ref_whose_target_the_catalogue_does_not_describe_is_explained_not_renamed():
    config = onboarded({"agents": {"defaults": {"model": {"primary": "aisa/qwen3-max", "fallbacks": ["aisa/qwen-turbo"]}}}})
    found = diagnose(context(config))
    finding = the(found, "ref.alias")
    assert (finding.level, finding.fixable) == ("error", False) and "use aisa/qwen-flash" in finding.fix
    assert doctor.fix(context(config), found).config == config


def test_an_unknown_ref_gets_a_did_you_mean_and_is_left_alone():
    config = onboarded({"agents": {"defaults": {"model": {"primary": "aisa/kimi-k2"}}}})
    found = diagnose(context(config))
    finding = the(found, "ref.unknown")
    assert (finding.level, finding.fixable) == ("error", False)
    assert "did you mean aisa/kimi-k2.5" in finding.fix
    assert doctor.fix(context(config), found).config == config


def test_refs_to_other_providers_are_not_judged():
    config = onboarded({"agents": {"defaults": {"model": {"primary": "openai/gpt-5", "fallbacks": ["anthropic/x"]}}}})
    assert checks(diagnose(context(config))) == ["key.source"]


def test_a_translation_model_as_primary_or_fallback_is_replaced_or_removed():
    config = onboarded(
        {"agents": {"defaults": {"model": {"primary": "aisa/qwen-mt-flash", "fallbacks": ["aisa/qwen-mt-flash", "aisa/kimi-k2.5"]}}}}
    )
    found = diagnose(context(config))
    assert [(f.check, f.level, f.path) for f in found if f.check.startswith("ref.")] == [
        ("ref.translation", "error", "agents.defaults.model.primary"),
        ("ref.translation", "error", "agents.defaults.model.fallbacks"),
    ]
    fixed, _ = repaired(context(config), "ref.translation")
    assert fixed.config["agents"]["defaults"]["model"] == {"primary": "aisa/qwen3-max", "fallbacks": ["aisa/kimi-k2.5"]}


@pytest.mark.parametrize(
    ("defaults", "path"),
    [
        ({"models": {"openai/gpt-5": {}}}, "agents.defaults.models"),
        ({"modelPolicy": {"allow": ["openai/gpt-5"]}}, "agents.defaults.modelPolicy.allow"),
    ],
)
def test_an_active_allowlist_without_the_aisa_refs_gets_them(defaults, path):
    config = onboarded()
    config["agents"]["defaults"].update(copy.deepcopy(defaults))
    finding = the(diagnose(context(config)), "allow.missing")
    assert finding.level == "warning" and finding.path == path
    fixed, _ = repaired(context(config), "allow.missing")
    assert [r for r in merge.dig(fixed.config, *path.split(".")) if r.startswith("aisa/")] == [AISA.ref(m.id) for m in AISA.models]


def test_no_allowlist_is_started_and_a_wildcard_already_allows_everything():
    empty = onboarded({"agents": {"defaults": {"models": {}}}})
    wildcard = onboarded({"agents": {"defaults": {"modelPolicy": {"allow": ["aisa/*"]}}}})
    for config in (empty, wildcard):
        assert "allow.missing" not in checks(diagnose(context(config)))


# --- temperature on Kimi -------------------------------------------------------------------------------------


def test_a_temperature_configured_for_kimi_is_removed():
    config = onboarded(
        {"agents": {"defaults": {"models": {"aisa/kimi-k2.5": {"alias": "kimi", "params": {"temperature": 0.3, "thinking": "high"}}}}}}
    )
    finding = the(diagnose(context(config)), "temp.model")
    assert finding.level == "error" and "only 1 is allowed" in finding.message
    fixed, _ = repaired(context(config), "temp.model")
    assert fixed.config["agents"]["defaults"]["models"]["aisa/kimi-k2.5"] == {"alias": "kimi", "params": {"thinking": "high"}}


def test_an_agent_wide_temperature_is_switched_off_for_kimi_where_an_allowlist_is_active():
    config = onboarded(
        {"agents": {"defaults": {"params": {"temperature": 0.2}, "models": {"openai/gpt-5": {}}, "model": {"primary": "aisa/kimi-k2.5"}}}}
    )
    finding = the(diagnose(context(config, "2026.9.6")), "temp.defaults")
    assert (finding.level, finding.fixable) == ("error", True)  # error: Kimi is the primary
    fixed, _ = repaired(context(config, "2026.9.6"), "temp.defaults")
    assert fixed.config["agents"]["defaults"]["models"]["aisa/kimi-k2.5"] == {"alias": "kimi", "params": {"temperature": None}}
    assert fixed.config["agents"]["defaults"]["params"] == {"temperature": 0.2}


def test_an_agent_wide_temperature_without_an_allowlist_is_explained_not_changed():
    config = onboarded({"agents": {"defaults": {"params": {"temperature": 0.2}}}}, version="2026.9.6")
    found = diagnose(context(config, "2026.9.6"))
    finding = the(found, "temp.defaults")
    assert (finding.level, finding.fixable) == ("warning", False)  # Kimi is configured but not in use
    assert '"aisa/kimi-k2.5": {"params": {"temperature": null}}' in finding.fix
    assert doctor.fix(context(config, "2026.9.6"), found).config == config


@pytest.mark.parametrize(
    ("agents", "path"),
    [
        ({"list": [{"id": "main", "params": {"temperature": 0.5}}]}, "agents.list[0]"),
        ({"entries": {"main": {"params": {"temperature": 0.5}}}}, "agents.entries.main"),
    ],
)
def test_a_per_agent_temperature_is_a_warning_left_alone(agents, path):
    config = onboarded({"agents": agents})
    found = diagnose(context(config))
    finding = the(found, "temp.agent")
    assert (finding.level, finding.fixable, finding.path) == ("warning", False, f"{path}.params.temperature")
    assert doctor.fix(context(config), found).config == config


# --- what AIsa answered --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "check", "level"),
    [
        ("valid", "live.key", "info"),
        ("bad-key", "live.key", "error"),
        ("payment", "live.payment", "error"),
        ("unreachable", "live.unreachable", "warning"),
    ],
)
def test_the_key_check_online(status, check, level):
    live = doctor.Live(status, detail="AIsa said so", model_count=150)
    finding = the(diagnose(context(onboarded(), live=live)), check)
    assert finding.level == level and not finding.fixable


def test_a_configured_id_aisa_does_not_serve_is_an_error_with_suggestions():
    served = frozenset(m.id for m in AISA.models if m.id != "kimi-k2.5") | {"kimi-k2.6"}
    found = diagnose(context(onboarded(), live=doctor.Live("valid", served=served)))
    finding = the(found, "live.not-served")
    assert (finding.level, finding.fixable, finding.path) == ("error", False, "models.providers.aisa.models[4].id")
    assert "did you mean kimi-k2.6?" in finding.fix


def test_an_alias_id_online_is_reported_once_and_fixed():
    config = onboarded()
    entry(config, "qwen-plus-2025-12-01")["id"] = "qwen-plus"
    live = doctor.Live("valid", served=frozenset(m.id for m in AISA.models))
    assert "live.not-served" not in checks(diagnose(context(config, live=live)))
    repaired(context(config, live=live), "block.alias-id")


# --- what fix never does -------------------------------------------------------------------------------------


def everything_wrong() -> dict:
    return {
        "gateway": {"port": 18789},
        "env": {"AISA_API_KEY": KEY},
        "models": {
            "mode": "merge",
            "providers": {
                "openrouter": {
                    "baseUrl": "https://openrouter.ai/api/v1",
                    "api": "openai-completions",
                    "models": [{"id": "x", "name": "X", "bogus": 1}],
                },
                "aisa": {**copy.deepcopy(SEED_BLOCK), "timeoutSeconds": 30},
            },
        },
        "agents": {
            "defaults": {
                "model": {"primary": "aisa/qwen-mt-flash", "fallbacks": ["aisa/qwen-plus", "openrouter/x"]},
                "models": {"openrouter/x": {"alias": "x"}, "aisa/kimi-k2.5": {"params": {"temperature": 0.7}}},
            }
        },
    }


def test_fix_keeps_other_providers_and_the_users_keys_and_sets_no_primary_of_its_own():
    config = everything_wrong()
    del config["agents"]["defaults"]["model"]
    ctx = context(config, "2026.3.31")
    fixed = doctor.fix(ctx, diagnose(ctx))
    assert fixed.config["gateway"] == config["gateway"]
    assert fixed.config["models"]["providers"]["openrouter"] == config["models"]["providers"]["openrouter"]
    assert "model" not in fixed.config["agents"]["defaults"]
    assert [m["id"] for m in aisa_block(fixed.config)["models"]] == ["qwen3-max", "kimi-k2.5"]
    assert entry(fixed.config, "qwen3-max")["cost"] == SEED_BLOCK["models"][0]["cost"]


def test_fix_repairs_everything_at_once_and_a_second_fix_changes_nothing():
    ctx = context(everything_wrong(), "2026.9.6", modes={"state_dir": 0o755, "config": 0o644, "dotenv": 0o644})
    fixed = doctor.fix(ctx, diagnose(ctx))
    again = diagnose(doctor.after(ctx, fixed))
    assert [f.check for f in again if f.level != "info"] == ["key.plaintext"]  # env.vars: moving a secret out is onboard's, asked
    assert doctor.fix(doctor.after(ctx, fixed), again).config == fixed.config
    assert fixed.config["agents"]["defaults"]["model"] == {
        "primary": "aisa/qwen3-max",
        "fallbacks": ["aisa/qwen-plus-2025-12-01", "openrouter/x"],
    }


def test_fix_repairs_only_what_it_is_given():
    ctx = context(everything_wrong(), "2026.9.6")
    only = [f for f in diagnose(ctx) if f.check == "key.flat-env"]
    fixed = doctor.fix(ctx, only)
    assert [c.path for c in fixed.changes] == ["env.AISA_API_KEY"]


def test_fix_does_not_modify_its_input():
    config = everything_wrong()
    doctor.fix(context(config, "2026.9.6"), diagnose(context(config, "2026.9.6")))
    assert config == everything_wrong()


def test_no_finding_or_change_ever_shows_the_key():
    config = everything_wrong()
    aisa_block(config)["apiKey"] = KEY
    ctx = context(config, env={"AISA_API_KEY": OTHER_KEY}, live=doctor.Live("bad-key", detail="invalid_api_key"))
    fixed = doctor.fix(ctx, diagnose(ctx))  # diagnose() here asserts the findings
    assert not any(KEY in c.summary or OTHER_KEY in c.summary for c in fixed.changes)


# --- the real OpenClaw agrees ---------------------------------------------------------------------------------


@pytest.mark.openclaw
def test_a_config_each_openclaw_refuses_is_accepted_after_fix(openclaw, home):
    """The seed's block plus keys the version rejects: `config validate` says invalid, then valid after fix."""
    from .conftest import write_json

    config = everything_wrong()
    del config["models"]["providers"]["openrouter"]
    kimi = aisa_block(config)["models"][1]
    kimi["compat"] = {"supportsTemperature": False, "requiresMistralToolIds": False}
    kimi["maxTokensField"] = "max_tokens"
    kimi["params"] = {"thinking": "high"}
    config_path = home / ".openclaw" / "openclaw.json"
    write_json(config_path, config)
    refused = openclaw.validate(home)
    assert not refused["valid"]
    ctx = context(config, openclaw.version)
    found = diagnose(ctx)
    errors = [f.path for f in found if f.level == "error"]
    for issue in refused["issues"]:  # doctor names each place OpenClaw refuses (5.28 only says "Invalid input" there)
        assert any(path.startswith(re.sub(r"\.(\d+)", r"[\1]", issue["path"])) for path in errors), issue
    fixed = doctor.fix(ctx, found)
    write_json(config_path, fixed.config)
    report = openclaw.validate(home)
    assert report["valid"], report
    assert not [f for f in diagnose(doctor.after(ctx, fixed)) if f.level == "error"]


# --- a catalogue with a lifecycle -------------------------------------------------------------------------------


def test_a_retired_id_as_primary_fallback_and_allowlist_entry_moves_to_its_successor():
    config = onboarded()
    config["agents"]["defaults"]["model"] = {"primary": "aisa/deepseek-v3-0324", "fallbacks": ["aisa/qwen3-max-2026-01-23", "openai/gpt-5"]}
    config["agents"]["defaults"]["models"] = {"aisa/deepseek-v3-0324": {"alias": "ds"}, "openai/gpt-5": {}}
    finding = [f for f in diagnose(context(config)) if f.check == "ref.alias"][0]
    assert "retired" in finding.message and finding.fixable
    fixed, _ = repaired(context(config), "ref.alias")
    model = fixed.config["agents"]["defaults"]["model"]
    assert model == {"primary": "aisa/deepseek-v3.1", "fallbacks": ["aisa/qwen3-max", "openai/gpt-5"]}
    assert fixed.config["agents"]["defaults"]["models"]["aisa/deepseek-v3.1"] == {"alias": "ds"}
    assert "aisa/deepseek-v3-0324" not in fixed.config["agents"]["defaults"]["models"]


def test_a_retired_id_whose_successor_is_not_curated_gets_the_successor_with_its_familys_figures():
    config = onboarded()
    config["agents"]["defaults"]["model"] = {"primary": "aisa/qwen-vl-max"}
    fixed, _ = repaired(context(config), "ref.alias")
    assert fixed.config["agents"]["defaults"]["model"]["primary"] == "aisa/qwen3-vl-plus"
    added = entry(fixed.config, "qwen3-vl-plus")
    assert (added["contextWindow"], added["input"]) == (131072, ["text", "image"]) and "cost" not in added


def test_a_deprecated_model_still_served_is_a_warning_and_fix_moves_every_ref_to_its_successor():
    from dataclasses import replace

    from openclaw_aisa.types import Successor

    successor = Successor("kimi-k2.5", dt.date(2026, 11, 1), "a test's own lifecycle row", "Kimi K2.5 replaces it")
    provider = replace(AISA, models=tuple(replace(m, deprecated=successor) if m.id == "deepseek-v3.1" else m for m in AISA.models))
    config = onboarded()
    config["agents"]["defaults"]["model"] = {"primary": "aisa/deepseek-v3.1", "fallbacks": ["aisa/qwen3-max"]}
    ctx = replace(context(config), provider=provider)
    finding = the(diagnose(ctx), "ref.deprecated")
    assert finding.level == "warning" and "Kimi K2.5 replaces it" in finding.message and "2026-11-01" in finding.message
    fixed, _ = repaired(ctx, "ref.deprecated")
    assert fixed.config["agents"]["defaults"]["model"] == {"primary": "aisa/kimi-k2.5", "fallbacks": ["aisa/qwen3-max"]}
    assert "deepseek-v3.1" in [m["id"] for m in fixed.config["models"]["providers"]["aisa"]["models"]]  # still served: the row stays


# --- the native plugin OpenClaw may not load ------------------------------------------------------------------


def test_an_exclusive_plugins_allow_without_aisa_is_found_and_fix_adds_aisa_keeping_the_others():
    config = onboarded({"plugins": {"allow": ["telegram", "memory-core"], "entries": {"aisa": {"enabled": True}}}})
    fixed, _ = repaired(context(config), "plugin.blocked")
    assert fixed.config["plugins"]["allow"] == ["telegram", "memory-core", "aisa"]
    assert fixed.config["plugins"]["entries"] == {"aisa": {"enabled": True}}


@pytest.mark.parametrize(
    "plugins",
    [
        {"entries": {"aisa": {"enabled": True}}},  # no allowlist: everything loads
        {"allow": [], "entries": {"aisa": {"enabled": True}}},  # an empty one restricts nothing
        {"allow": ["telegram"]},  # our plugin is not installed: nothing to unblock
    ],
)
def test_no_plugin_finding_where_the_plugin_loads_or_is_not_installed(plugins):
    assert "plugin.blocked" not in checks(diagnose(context(onboarded({"plugins": plugins}))))


def test_a_deny_naming_aisa_is_a_warning_left_alone():
    config = onboarded({"plugins": {"deny": ["aisa"], "entries": {"aisa": {"enabled": True}}}})
    found = the(diagnose(context(config)), "plugin.blocked")
    assert not found.fixable and found.path == "plugins.deny"


def test_a_key_only_in_the_working_directorys_env_is_one_the_gateway_service_does_not_see():
    ctx = replace(context(onboarded(), "2026.3.31", dotenv={}), key_files={"cwd .env": ("~/project/.env", {"AISA_API_KEY": KEY})})
    found = diagnose(ctx)
    assert "~/project/.env" in the(found, "key.env-only").message and "~/project/.env" in the(found, "key.source").message
    ignored = diagnose(replace(ctx, openclaw_version="2026.9.6"))  # 5.28 and later read no provider key from there
    assert "key.unresolved" in checks(ignored) or "key.missing" in checks(ignored)


def test_gateway_env_is_read_last_of_the_files_by_5_28_and_later():
    files = {"gateway.env": ("~/.config/openclaw/gateway.env", {"AISA_API_KEY": OTHER_KEY})}
    ctx = replace(context(onboarded(), "2026.9.6"), key_files=files)
    found = diagnose(ctx)
    assert "from AISA_API_KEY in ~/.openclaw/.env" in the(found, "key.source").message  # the state dir's .env comes first
    assert "gateway.env (sk-aisa-…OTHR)" in the(found, "key.conflict").message
    alone = diagnose(replace(ctx, dotenv={}))
    assert "~/.config/openclaw/gateway.env" in the(alone, "key.source").message and "key.env-only" not in checks(alone)
    assert "key.unresolved" in checks(diagnose(replace(ctx, dotenv={}, openclaw_version="2026.3.31")))  # 3.31 never reads it


def test_a_stale_key_in_the_gateway_services_own_copy_is_a_warning_with_the_reinstall_command():
    files = {"service": ("~/.openclaw/gateway.systemd.env", {"AISA_API_KEY": OTHER_KEY})}
    found = the(diagnose(replace(context(onboarded(), "2026.5.28"), key_files=files)), "key.service")
    assert "sk-aisa-…OTHR" in found.message and "gateway install --force" in found.fix and not found.fixable


def test_a_plaintext_key_openclaw_copied_into_an_agents_models_json_is_found_and_replaced_by_the_variable():
    copies = (("~/.openclaw/agents/main/agent/models.json", KEY), ("~/.openclaw/agents/ops/agent/models.json", "AISA_API_KEY"))
    ctx = replace(context(onboarded()), agent_copies=copies)
    found = the(diagnose(ctx), "key.copied")  # one: the variable's name is what OpenClaw writes for a reference
    assert found.fixable and found.path.endswith("main/agent/models.json") and "sk-aisa-…TEST" in found.message
    assert doctor.fix(ctx, [found]).scrubs == (("~/.openclaw/agents/main/agent/models.json", "AISA_API_KEY"),)


def test_a_copied_key_is_left_while_the_config_itself_holds_it_inline():
    config = onboarded()
    aisa_block(config)["apiKey"] = KEY
    found = the(diagnose(replace(context(config), agent_copies=(("models.json", KEY),))), "key.copied")
    assert not found.fixable and "onboard" in found.fix

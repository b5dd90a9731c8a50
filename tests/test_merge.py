"""The merge rules, on configs users really have: a pure function, so no files here."""

from __future__ import annotations

import copy

import pytest

from openclaw_aisa import merge
from openclaw_aisa.catalog import load_catalog
from openclaw_aisa.errors import ConfigError, UsageError
from openclaw_aisa.host import load_host
from openclaw_aisa.types import AuthRequest

from .conftest import KEY

ENV_REF = {"source": "env", "provider": "default", "id": "AISA_API_KEY"}
CATALOGUE_IDS = [m.id for m in load_catalog().providers[0].models]
SEED_BLOCK = {
    "baseUrl": "https://api.aisa.one/v1",
    "apiKey": "${AISA_API_KEY}",
    "api": "openai-completions",
    "models": [
        {
            "id": "aisa/qwen3-max",
            "name": "Qwen3 Max",
            "reasoning": True,
            "input": ["text", "image"],
            "contextWindow": 256000,
            "maxTokens": 16384,
            "supportsDeveloperRole": False,
            "cost": {"input": 1.2, "output": 4.8, "cacheRead": 0, "cacheWrite": 0},
        },
        {
            "id": "aisa/kimi-k2.5",
            "name": "Kimi K2.5",
            "reasoning": True,
            "input": ["text"],
            "contextWindow": 131072,
            "maxTokens": 8192,
            "supportsDeveloperRole": False,
            "cost": {"input": 0.6, "output": 2.4, "cacheRead": 0, "cacheWrite": 0},
        },
    ],
}


@pytest.fixture(scope="module")
def host():
    return load_host()


@pytest.fixture(scope="module")
def aisa(host):
    return host.providers["aisa"]


def apply(host, config, secret_mode="ref", base_url=None, **options):
    choice = host.auth_choices["aisa-api-key"]
    result = host.run_auth_choice(choice, AuthRequest(KEY, "flag", base_url=base_url, secret_mode=secret_mode))
    return merge.apply_auth(config, host.providers["aisa"], result, merge.Options(base_url=base_url, **options))


def ids(config):
    return [m["id"] for m in config["models"]["providers"]["aisa"]["models"]]


def test_empty_config_gets_the_provider_block_with_bare_ids_and_an_env_reference(host):
    merged = apply(host, {})
    block = merged.config["models"]["providers"]["aisa"]
    assert block["baseUrl"] == "https://api.aisa.one/v1"
    assert block["api"] == "openai-completions"
    assert block["apiKey"] == ENV_REF
    assert ids(merged.config) == CATALOGUE_IDS
    for m in block["models"]:
        assert "/" not in m["id"]
        field = "max_completion_tokens" if m["id"].startswith("gpt-") else "max_tokens"  # OpenAI's gpt-5 refuses max_tokens
        assert m["compat"] == {"maxTokensField": field, "supportsUsageInStreaming": True}
        assert "supportsDeveloperRole" not in m
    assert merged.config["models"]["mode"] == "merge"
    assert merged.config["agents"]["defaults"]["model"] == {"primary": "aisa/qwen3-max"}


def test_model_entries_carry_the_catalogue_figures(host, aisa):
    block = apply(host, {}).config["models"]["providers"]["aisa"]
    kimi = next(m for m in block["models"] if m["id"] == "kimi-k2.5")
    catalogue = aisa.model("kimi-k2.5")
    assert kimi["contextWindow"] == catalogue.context_window.value == 262144
    assert kimi["maxTokens"] == catalogue.max_tokens.value == 32768
    assert kimi["input"] == ["text", "image"] and kimi["reasoning"] is True
    assert kimi["cost"]["input"] == catalogue.price("aisa").input
    assert kimi["cost"]["output"] == catalogue.price("aisa").output


def test_input_config_is_not_modified(host):
    config = {"models": {"providers": {"aisa": copy.deepcopy(SEED_BLOCK)}}}
    before = copy.deepcopy(config)
    apply(host, config)
    assert config == before


def test_other_providers_and_an_existing_primary_are_kept(host):
    config = {
        "models": {
            "providers": {
                "openrouter": {"baseUrl": "https://openrouter.ai/api/v1", "api": "openai-completions", "models": [{"id": "x", "name": "X"}]}
            }
        },
        "agents": {"defaults": {"model": {"primary": "openrouter/x", "fallbacks": ["anthropic/claude-sonnet-4-5"]}}},
    }
    merged = apply(host, config).config
    assert merged["models"]["providers"]["openrouter"] == config["models"]["providers"]["openrouter"]
    assert merged["agents"]["defaults"]["model"] == config["agents"]["defaults"]["model"]
    assert list(merged["models"]["providers"]) == ["openrouter", "aisa"]


def test_primary_as_plain_string_is_kept_and_primary_flag_replaces_it_in_the_same_form(host):
    config = {"agents": {"defaults": {"model": "anthropic/claude-opus-4-6"}}}
    assert apply(host, config).config["agents"]["defaults"]["model"] == "anthropic/claude-opus-4-6"
    assert apply(host, config, primary="aisa/kimi-k2.5").config["agents"]["defaults"]["model"] == "aisa/kimi-k2.5"


def test_primary_flag_keeps_fallbacks(host):
    config = {"agents": {"defaults": {"model": {"primary": "openai/gpt-5", "fallbacks": ["openai/gpt-5-mini"]}}}}
    model = apply(host, config, primary="aisa/deepseek-v3.1").config["agents"]["defaults"]["model"]
    assert model == {"primary": "aisa/deepseek-v3.1", "fallbacks": ["openai/gpt-5-mini"]}


def test_translation_model_is_refused_as_primary(host):
    with pytest.raises(UsageError, match="translation model"):
        apply(host, {}, primary="aisa/qwen-mt-flash")


def test_unknown_primary_gets_a_did_you_mean(host):
    with pytest.raises(UsageError, match="did you mean aisa/kimi-k2.5"):
        apply(host, {}, primary="aisa/kimi-k2")


def test_alias_primary_names_the_served_id(host):
    with pytest.raises(UsageError, match="use aisa/qwen-plus-2025-12-01"):
        apply(host, {}, primary="aisa/qwen-plus")


def test_existing_api_key_and_base_url_are_kept_unless_asked(host):
    block = {
        "baseUrl": "https://proxy.example.com/v1",
        "api": "openai-completions",
        "apiKey": {"source": "env", "provider": "default", "id": "MY_AISA"},
        "models": [],
    }
    config = {"models": {"providers": {"aisa": block}}}
    kept = apply(host, config).config["models"]["providers"]["aisa"]
    assert kept["baseUrl"] == "https://proxy.example.com/v1"
    assert kept["apiKey"]["id"] == "MY_AISA"
    asked = apply(host, config, base_url="https://api.aisa.one/v1", replace_key=True).config["models"]["providers"]["aisa"]
    assert asked["baseUrl"] == "https://api.aisa.one/v1"
    assert asked["apiKey"] == ENV_REF


def test_a_key_given_now_replaces_an_inline_key_and_the_change_never_shows_it(host):
    block = {"baseUrl": "https://api.aisa.one/v1", "api": "openai-completions", "apiKey": "sk-aisa-oldoldoldoldoldold", "models": []}
    merged = apply(host, {"models": {"providers": {"aisa": block}}}, replace_key=True)
    assert merged.config["models"]["providers"]["aisa"]["apiKey"] == ENV_REF
    assert not any("sk-aisa-old" in c.summary for c in merged.changes)
    assert any("an inline key -> env reference to AISA_API_KEY" in c.summary for c in merged.changes)


def test_plaintext_mode_writes_the_key_inline(host):
    merged = apply(host, {}, secret_mode="plaintext", replace_key=True)
    assert merged.config["models"]["providers"]["aisa"]["apiKey"] == KEY


def test_user_edited_models_are_kept_and_missing_ids_appended(host):
    mine = {"id": "kimi-k2.5", "name": "My Kimi", "maxTokens": 65536, "params": {"thinking": "high"}}
    extra = {"id": "kimi-k2.6", "name": "Kimi K2.6"}
    config = {
        "models": {
            "providers": {
                "aisa": {"baseUrl": "https://api.aisa.one/v1", "api": "openai-completions", "apiKey": ENV_REF, "models": [mine, extra]}
            }
        }
    }
    merged = apply(host, config)
    models = merged.config["models"]["providers"]["aisa"]["models"]
    assert models[0] == {**models[0], **mine} and models[1] == {**models[1], **extra}  # every value the user set kept
    assert models[0]["contextWindow"] == 262144 and models[1]["maxTokens"] == 32768  # what each row lacked, filled
    filled = [c.summary for c in merged.changes if "filled" in c.summary]
    assert filled[0].startswith("aisa/kimi-k2.5: filled compat.maxTokensField") and "from the catalogue" in filled[0]
    assert filled[1].endswith("from its family's figures")
    assert [m["id"] for m in models[2:]] == [i for i in CATALOGUE_IDS if i != "kimi-k2.5"]
    assert any("--refresh-models" in n for n in merged.notes)


def test_refresh_models_rewrites_catalogue_fields_and_keeps_the_users_other_keys(host):
    mine = {"id": "kimi-k2.5", "name": "My Kimi", "maxTokens": 8192, "params": {"thinking": "high"}, "compat": {"supportsStore": False}}
    config = {
        "models": {
            "providers": {"aisa": {"baseUrl": "https://api.aisa.one/v1", "api": "openai-completions", "apiKey": ENV_REF, "models": [mine]}}
        }
    }
    merged = apply(host, config, refresh_models=True)
    kimi = merged.config["models"]["providers"]["aisa"]["models"][0]
    assert kimi["name"] == "Kimi K2.5" and kimi["maxTokens"] == 32768
    assert kimi["params"] == {"thinking": "high"}
    assert kimi["compat"] == {"supportsStore": False, "maxTokensField": "max_tokens", "supportsUsageInStreaming": True}
    assert any("maxTokens 8192 -> 32768" in c.summary for c in merged.changes)


def test_the_seeds_block_is_repaired_and_its_refs_keep_working(host):
    config = {
        "models": {"providers": {"aisa": copy.deepcopy(SEED_BLOCK)}},
        "agents": {"defaults": {"model": {"primary": "aisa/qwen3-max"}}},
    }
    merged = apply(host, config)
    block = merged.config["models"]["providers"]["aisa"]
    assert ids(merged.config) == ["qwen3-max", "kimi-k2.5"] + [i for i in CATALOGUE_IDS if i not in ("qwen3-max", "kimi-k2.5")]
    for m in block["models"][:2]:
        assert "supportsDeveloperRole" not in m
        assert m["compat"]["supportsDeveloperRole"] is False
    assert block["apiKey"] == "${AISA_API_KEY}"  # no known version: either form holds everywhere, so it stays
    assert merged.config["agents"]["defaults"]["model"]["primary"] == "aisa/qwen3-max"
    summaries = " | ".join(c.summary for c in merged.changes)
    assert "model id aisa/qwen3-max -> qwen3-max" in summaries
    assert "moved supportsDeveloperRole into compat" in summaries
    kimi = block["models"][1]  # the seed's figures are known wrong: refreshed, the seed's flag kept in compat
    assert (kimi["maxTokens"], kimi["contextWindow"], kimi["input"]) == (32768, 262144, ["text", "image"])
    assert kimi["compat"] == {"supportsDeveloperRole": False, "maxTokensField": "max_tokens", "supportsUsageInStreaming": True}
    assert "refreshed aisa/kimi-k2.5 from the catalogue (a verbatim copy of an old published block)" in summaries
    assert not merged.notes


def test_wrong_ids_from_old_docs_become_the_served_id_everywhere(host):
    config = {
        "models": {
            "providers": {
                "aisa": {
                    "baseUrl": "https://api.aisa.one/v1",
                    "api": "openai-completions",
                    "apiKey": ENV_REF,
                    "models": [{"id": "qwen3-plus", "name": "Qwen Plus"}, {"id": "qwen-turbo", "name": "Turbo"}],
                }
            }
        },
        "agents": {
            "defaults": {
                "model": {"primary": "aisa/qwen3-plus", "fallbacks": ["aisa/qwen-turbo"]},
                "models": {"aisa/qwen3-plus": {"alias": "plus"}, "aisa/qwen-turbo": {}},
            }
        },
    }
    merged = apply(host, config).config
    assert ids(merged)[:2] == ["qwen-plus-2025-12-01", "qwen-flash"]
    assert merged["agents"]["defaults"]["model"] == {"primary": "aisa/qwen-plus-2025-12-01", "fallbacks": ["aisa/qwen-flash"]}
    assert merged["agents"]["defaults"]["models"]["aisa/qwen-plus-2025-12-01"] == {"alias": "plus"}
    assert "aisa/qwen3-plus" not in merged["agents"]["defaults"]["models"]


def test_an_active_allowlist_gets_the_aisa_refs_and_keeps_aliases(host):
    config = {"agents": {"defaults": {"models": {"anthropic/claude-opus-4-6": {"alias": "opus"}}}}}
    allow = apply(host, config).config["agents"]["defaults"]["models"]
    assert allow["anthropic/claude-opus-4-6"] == {"alias": "opus"}
    assert [k for k in allow if k.startswith("aisa/")] == [f"aisa/{i}" for i in CATALOGUE_IDS]


def test_no_allowlist_is_created_where_none_exists(host):
    assert "models" not in apply(host, {}).config["agents"]["defaults"]
    empty = apply(host, {"agents": {"defaults": {"models": {}}}}).config
    assert empty["agents"]["defaults"]["models"] == {}


def test_model_policy_allow_gets_the_refs(host):
    config = {"agents": {"defaults": {"modelPolicy": {"allow": ["openai/gpt-5"]}}}}
    allow = apply(host, config).config["agents"]["defaults"]["modelPolicy"]["allow"]
    assert allow == ["openai/gpt-5"] + [f"aisa/{i}" for i in CATALOGUE_IDS]


def test_a_provider_wildcard_in_model_policy_already_allows_everything(host):
    config = {"agents": {"defaults": {"modelPolicy": {"allow": ["openai/gpt-5", "aisa/*"]}}}}
    assert apply(host, config).config["agents"]["defaults"]["modelPolicy"]["allow"] == ["openai/gpt-5", "aisa/*"]


def test_a_second_identical_run_changes_nothing(host):
    first = apply(host, {"agents": {"defaults": {"models": {"openai/gpt-5": {}}}}})
    second = apply(host, first.config)
    assert second.config == first.config
    assert [c for c in second.changes if c.summary] == []


def test_untouched_keys_keep_their_order(host):
    config = {
        "gateway": {"port": 1},
        "models": {"providers": {"z": {"baseUrl": "https://z", "api": "openai-completions", "models": []}}},
        "channels": {},
    }
    merged = apply(host, config).config
    assert list(merged)[:3] == ["gateway", "models", "channels"]


def test_included_blocks_are_refused_never_flattened(host):
    with pytest.raises(ConfigError, match=r"models.providers comes from \$include"):
        apply(host, {"models": {"providers": {"$include": "./providers.json5"}}})
    with pytest.raises(ConfigError, match=r"models comes from \$include"):
        apply(host, {"models": {"$include": "./models.json5"}})


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"models": []}, "models is a list where OpenClaw expects an object"),
        ({"models": {"providers": {"aisa": "x"}}}, "models.providers.aisa is a string"),
        ({"models": {"providers": {"aisa": {"models": {}}}}}, "models.providers.aisa.models is an object where OpenClaw expects a list"),
        ({"models": {"providers": {"aisa": {"models": [{"name": "no id"}]}}}}, r"models.providers.aisa.models\[0\] needs an \"id\""),
        ({"agents": {"defaults": {"model": 3}}}, "agents.defaults.model is a number"),
        ({"agents": {"defaults": {"models": ["a"]}}}, "agents.defaults.models is a list"),
    ],
)
def test_wrong_types_on_our_path_are_one_clear_error(host, config, message):
    with pytest.raises(ConfigError, match=message):
        apply(host, config)


def test_remove_after_a_lone_onboarding_gives_back_the_original(host, aisa):
    for original in (
        {},
        {"agents": {"defaults": {"model": {"primary": "openai/gpt-5"}, "models": {"openai/gpt-5": {}}}}},
        {"gateway": {"port": 18789}},
    ):
        onboarded = apply(host, original)
        removed = merge.remove_provider(onboarded.config, aisa, created=onboarded.created)
        assert removed.config == original


def test_remove_takes_aisa_refs_out_of_fallbacks_and_allowlists(aisa):
    config = {
        "models": {"providers": {"aisa": {"models": []}}},
        "agents": {
            "defaults": {
                "model": {"primary": "openai/gpt-5", "fallbacks": ["aisa/kimi-k2.5", "openai/gpt-5-mini"]},
                "models": {"openai/gpt-5": {}, "aisa/kimi-k2.5": {"alias": "k"}},
                "modelPolicy": {"allow": ["aisa/kimi-k2.5", "openai/gpt-5"]},
            }
        },
    }
    config["agents"]["defaults"]["models"]["aisa/qwen3-max"] = {}
    merged = merge.remove_provider(config, aisa)
    removed = merged.config
    assert "models" not in removed or "aisa" not in removed["models"].get("providers", {})
    assert removed["agents"]["defaults"]["model"] == {"primary": "openai/gpt-5", "fallbacks": ["openai/gpt-5-mini"]}
    # the user's alias is theirs: its entry stays, and the user is told
    assert removed["agents"]["defaults"]["models"] == {"openai/gpt-5": {}, "aisa/kimi-k2.5": {"alias": "k"}}
    assert any("aisa/kimi-k2.5" in n and "alias" in n for n in merged.notes)
    assert removed["agents"]["defaults"]["modelPolicy"]["allow"] == ["openai/gpt-5"]


@pytest.mark.parametrize("where", ["models", "policy"])
def test_remove_never_empties_an_allowlist_that_held_only_aisa_refs(aisa, where):
    """An empty allowlist allows every model: emptying it would lift the user's restriction."""
    allow: dict = (
        {"models": {"aisa/kimi-k2.5": {}, "aisa/qwen3-max": {}}}
        if where == "models"
        else {"modelPolicy": {"allow": ["aisa/kimi-k2.5", "aisa/qwen3-max"]}}
    )
    config = {"models": {"providers": {"aisa": {"models": []}}}, "agents": {"defaults": {"model": {"primary": "openai/gpt-5"}, **allow}}}
    merged = merge.remove_provider(config, aisa)
    assert merged.config["agents"]["defaults"] == config["agents"]["defaults"]
    assert any("aisa/kimi-k2.5" in n for n in merged.notes)


def test_remove_takes_out_an_allowlist_onboarding_created(aisa):
    config = {"models": {"providers": {"aisa": {"models": []}}}, "agents": {"defaults": {"models": {"aisa/kimi-k2.5": {}}}}}
    merged = merge.remove_provider(config, aisa, created=["agents.defaults.models"])
    assert "models" not in merged.config.get("agents", {}).get("defaults", {})


def test_remove_needs_a_replacement_for_an_aisa_primary_the_user_chose(aisa):
    config = {"models": {"providers": {"aisa": {"models": []}}}, "agents": {"defaults": {"model": {"primary": "aisa/kimi-k2.5"}}}}
    with pytest.raises(UsageError, match="--primary"):
        merge.remove_provider(config, aisa)
    replaced = merge.remove_provider(config, aisa, primary="openai/gpt-5").config
    assert replaced["agents"]["defaults"]["model"]["primary"] == "openai/gpt-5"
    with pytest.raises(UsageError, match="being removed"):
        merge.remove_provider(config, aisa, primary="aisa/qwen3-max")


def test_set_primary_allows_the_ref_in_an_active_allowlist(aisa, host):
    config = apply(host, {"agents": {"defaults": {"model": "openai/gpt-5"}}}).config
    merged = merge.set_primary(config, aisa, "aisa/kimi-k2.5")
    assert merged.config["agents"]["defaults"]["model"] == "aisa/kimi-k2.5"
    with pytest.raises(UsageError, match="did you mean aisa/deepseek-v3.1"):
        merge.set_primary(config, aisa, "aisa/deepseek-v3")
    with pytest.raises(UsageError, match="not configured yet"):
        merge.set_primary({}, aisa, "aisa/kimi-k2.5")


def test_translation_model_already_primary_is_pointed_out(host):
    config = {"agents": {"defaults": {"model": {"primary": "aisa/qwen-mt-flash"}}}}
    merged = apply(host, config)
    assert merged.config["agents"]["defaults"]["model"]["primary"] == "aisa/qwen-mt-flash"
    assert any("translation model" in n for n in merged.notes)


@pytest.mark.parametrize(("version", "form"), [("2026.5.28", ENV_REF), ("2026.3.31", ENV_REF), ("2026.9.6", "${AISA_API_KEY}")])
def test_the_key_reference_takes_the_form_that_works_on_the_target_version(host, version, form):
    """After 5.28 a SecretRef breaks /model in `openclaw tui --local`; up to 5.28 it is the form without a doctor warning."""
    for before in (ENV_REF, "${AISA_API_KEY}"):
        config = {"models": {"providers": {"aisa": {**copy.deepcopy(SEED_BLOCK), "apiKey": before}}}}
        merged = apply(host, config, openclaw_version=version)
        assert merged.config["models"]["providers"]["aisa"]["apiKey"] == form
        assert any(".apiKey" in c.path for c in merged.changes) == (before != form)


def test_shorthand_aliases_join_an_active_allowlist_and_never_take_the_users(host):
    config = {"agents": {"defaults": {"models": {"openai/gpt-5": {"alias": "kimi"}, "aisa/glm-5": {"alias": "zhipu"}}}}}
    merged = apply(host, config)
    models = merged.config["agents"]["defaults"]["models"]
    assert models["openai/gpt-5"] == {"alias": "kimi"} and models["aisa/glm-5"] == {"alias": "zhipu"}  # the user's, kept
    assert models["aisa/kimi-k2.5"] == {}  # "kimi" is taken by the user's own alias
    assert models["aisa/deepseek-v4-flash"] == {"alias": "deepseek"} and models["aisa/qwen3.7-max"] == {"alias": "qwen"}
    assert "aisa/qwen-mt-flash" not in {k for k, v in models.items() if v.get("alias")}  # no alias for a translation model


def test_no_alias_starts_an_allowlist(host):
    merged = apply(host, {"agents": {"defaults": {"model": {"primary": "openai/gpt-5"}}}})
    assert "models" not in merged.config["agents"]["defaults"]


def test_fallbacks_are_appended_after_the_users_without_repeats_or_the_primary(host):
    config = {"agents": {"defaults": {"model": {"primary": "openai/gpt-5", "fallbacks": ["anthropic/claude-opus-4-6", "aisa/glm-5"]}}}}
    merged = apply(host, config, fallbacks=("aisa/glm-5", "aisa/deepseek-v4-flash", "openai/gpt-5"))
    assert merged.config["agents"]["defaults"]["model"] == {
        "primary": "openai/gpt-5",
        "fallbacks": ["anthropic/claude-opus-4-6", "aisa/glm-5", "aisa/deepseek-v4-flash"],
    }


@pytest.mark.parametrize("ref", ["aisa/qwen-mt-flash", "aisa/kimi-k9"])
def test_a_translation_or_unknown_fallback_is_refused(host, ref):
    with pytest.raises(UsageError):
        apply(host, {}, fallbacks=(ref,))


def test_fallbacks_turn_a_string_primary_into_the_object_form_only_when_one_is_added(host):
    merged = apply(host, {"agents": {"defaults": {"model": "aisa/glm-5"}}}, fallbacks=("aisa/glm-5",))
    assert merged.config["agents"]["defaults"]["model"] == "aisa/glm-5"  # nothing to add: the user's form stays
    merged = apply(host, {"agents": {"defaults": {"model": "aisa/glm-5"}}}, fallbacks=("aisa/kimi-k2.5",))
    assert merged.config["agents"]["defaults"]["model"] == {"primary": "aisa/glm-5", "fallbacks": ["aisa/kimi-k2.5"]}

"""The `--json` documents are an interface: scripts read them. This pins, for every command that has
`--json` (but the plugin commands, which need the real OpenClaw), its exit code, the keys of the
document in their order, and the keys of its nested objects and rows.

A shape is what one value looks like: an object is the list of its keys in order, anything else the
name of its type ("str"), and null is None. A path names values in the document: "" is the document,
"key" a member, "rows[]" every item of a list; a member missing from some rows is simply not there.
Every path must name at least one value, and the values it names must show exactly the shapes listed.
"""

from __future__ import annotations

import pytest

from .conftest import KEY


def either(*shapes):
    """Several shapes at one path, each of which must turn up (e.g. a row with and without a price)."""
    return frozenset(tuple(s) if isinstance(s, list) else s for s in shapes)


CHANGE = ["path", "summary"]
FINDING = ["check", "level", "message", "fix", "fixable", "path"]
VERSION = ["version", "source"]
STATS = ["median", "p90", "min", "max"]
SELLER = ["seller", "name", "monthly", "monthly_high", "yearly", "yearly_high", "price", "as_of", "source", "stale", "yearly_saving"]

# name: (argv, exit code, {path: shape}). "{fake}" is the fake AIsa's base URL.
CONTRACT = {
    "onboard": (
        ("onboard", "--aisa-api-key", KEY, "--base-url", "{fake}", "--no-plugin", "--non-interactive", "--json"),
        0,
        {
            "": [
                "config",
                "provider",
                "dry_run",
                "written",
                "changes",
                "notes",
                "warnings",
                "primary",
                "openclaw_version",
                "key",
                "plugin",
                "openclaw_profiles",
            ],
            "written": ["config", "dotenv"],
            "changes[]": CHANGE,
            "openclaw_version": VERSION,
            "key": ["source", "masked", "stored", "env_var", "verified", "models_visible"],
            "plugin": ["installed", "summary"],
        },
    ),
    "onboard --dry-run": (
        ("onboard", "--aisa-api-key", KEY, "--base-url", "{fake}", "--no-plugin", "--non-interactive", "--dry-run", "--json"),
        0,
        {
            "": ["config", "dry_run", "diff", "warnings", "notes", "changes"],
            "changes[]": CHANGE,
        },
    ),
    "detect": (
        ("detect", "--json"),
        0,
        {
            "": ["dotenv", "providers"],
            "providers[]": ["provider", "label", "credentials"],
            "providers[].credentials[]": [
                "env_var",
                "source",
                "where",
                "masked",
                "used_by_openclaw",
                "read_by_this_version",
                "who_reads_it",
            ],
        },
    ),
    "models list": (
        ("models", "list", "--json"),
        0,
        {
            "": ["config", "primary", "models"],
            "models[]": either(
                [
                    "ref",
                    "provider",
                    "id",
                    "name",
                    "context_window",
                    "max_tokens",
                    "input",
                    "reasoning",
                    "tags",
                    "price",
                    "curated",
                    "configured",
                    "primary",
                ],
                ["ref", "provider", "id", "curated", "configured", "primary"],  # configured, not in the catalogue
            ),
            "models[].price": either(["input", "output", "as_of", "source"], None),  # None: no AIsa price known
        },
    ),
    "models list --live": (
        ("models", "list", "--live", "--json"),
        0,
        {
            "": ["base_url", "source", "fetched_at", "models"],
            "models[]": ["ref", "id", "kind", "owned_by", "curated", "family", "configured", "primary"],
        },
    ),
    "models add": (
        ("models", "add", "qwen-flash", "--json"),
        0,
        {
            "": ["config", "changes", "applied"],
            "changes[]": "str",
        },
    ),
    "models add --dry-run": (
        ("models", "add", "qwen-flash", "--dry-run", "--json"),
        0,
        {
            "": ["config", "changes", "diff"],
            "changes[]": "str",
        },
    ),
    "models sync": (
        ("models", "sync", "--json"),
        0,
        {
            "": ["base_url", "source", "gone", "successors", "new_curated", "new_other", "applied", "changes"],
            "gone[]": "str",
            "new_other[]": "str",
        },
    ),
    "models sync --apply": (
        ("models", "sync", "--apply", "--json"),
        0,
        {
            "": ["base_url", "source", "gone", "successors", "new_curated", "new_other", "applied", "changes", "config"],
            "changes[]": "str",
        },
    ),
    "chat": (
        ("chat", "-m", "kimi-k2.5", "hi", "--json"),
        0,
        {
            "": ["model", "base_url", "content", "reasoning", "finish_reason", "usage", "cost_usd", "seconds"],
            "seconds": ["first_token", "total"],
        },
    ),
    "balance": (
        ("balance", "--json"),
        0,
        {
            "": [
                "provider",
                "base_url",
                "key",
                "currency",
                "account_balance",
                "available_balance",
                "api_key",
                "usable",
                "spent",
                "as_of",
                "request_id",
            ],
            "key": ["masked", "source"],
            "api_key": ["unlimited", "remaining", "used"],
        },
    ),
    "doctor": (
        ("doctor", "--json"),
        1,
        {  # online: qwen-mt-flash is no longer served, an error
            "": ["config", "provider", "openclaw_version", "online", "findings", "fixed", "remaining", "errors"],
            "openclaw_version": VERSION,
            "findings[]": FINDING,
            "remaining": None,
        },
    ),
    "doctor --offline": (
        ("doctor", "--offline", "--json"),
        0,
        {  # offline that error is not seen
            "": ["config", "provider", "openclaw_version", "online", "findings", "fixed", "remaining", "errors"],
            "findings[]": FINDING,
            "remaining": None,
        },
    ),
    "doctor --fix": (
        ("doctor", "--fix", "--json"),
        1,
        {  # the file mode is fixed, the unserved model remains
            "": ["config", "provider", "openclaw_version", "online", "findings", "fixed", "remaining", "errors"],
            "findings[]": FINDING,
            "fixed[]": "str",
            "remaining[]": FINDING,
        },
    ),
    "pricing": (
        ("pricing", "--json"),
        0,
        {
            "": ["as_of", "today", "stale_after_days", "check", "models"],
            "check[]": "str",
            "models[]": ["ref", "name", "quotes"],
            "models[].quotes[]": ["seller", "name", "as_of", "source", "stale", "tiers", "aisa_saves_percent"],
            "models[].quotes[].tiers[]": ["max_input_tokens", "input", "output", "cache_read", "input_high", "output_high"],
            "models[].quotes[].aisa_saves_percent": either(None, ["input", "output"]),  # null on AIsa's own quote
        },
    ),
    "cost": (
        ("cost", "--model", "qwen3-max", "--tokens", "500M", "--json"),
        0,
        {
            "": ["model", "tokens_per_month", "input_share", "as_of", "tiered_note", "sellers"],
            "sellers[]": either(SELLER, [*SELLER, "yearly_saving_high"]),  # the latter: sellers other than AIsa
            "sellers[].price": ["input", "output", "input_high", "output_high"],
        },
    ),
    "bench": (
        ("bench", "--models", "kimi-k2.5", "--runs", "1", "--json"),
        0,
        {
            "": ["base_url", "prompt", "runs", "max_tokens", "started_at", "models"],
            "models[]": ["model", "ok", "errors", "error_messages", "ttft_s", "total_s", "tokens_per_s", "output_tokens"],
            "models[].ttft_s": STATS,
            "models[].total_s": STATS,
            "models[].tokens_per_s": STATS,
            "models[].output_tokens": ["median", "from_chunks"],
        },
    ),
}
ONBOARD = [name for name in CONTRACT if name.startswith("onboard")]
AFTER_ONBOARDING = [name for name in CONTRACT if name not in ONBOARD]


def shape(value):
    if isinstance(value, dict):
        return tuple(value)
    return None if value is None else type(value).__name__


def values_at(document, path: str) -> list:
    found = [document]
    for step in filter(None, path.split(".")):
        name, each = step.removesuffix("[]"), step.endswith("[]")
        found = [v[name] for v in found if isinstance(v, dict) and name in v]
        if each:
            found = [item for v in found if isinstance(v, list) for item in v]
    return found


def assert_contract(name: str, done) -> None:
    _, code, paths = CONTRACT[name]
    assert done.code == code, done.err
    document = done.json
    for path, expected in paths.items():
        values = values_at(document, path)
        assert values, f"{name} --json: nothing at {path!r}"
        wanted = expected if isinstance(expected, frozenset) else {tuple(expected) if isinstance(expected, list) else expected}
        got = {shape(v) for v in values}
        assert got == wanted, f"{name} --json at {path!r}: got {sorted(got, key=str)}, want {sorted(wanted, key=str)}"


def argv(name: str, fake) -> list[str]:
    return [a.replace("{fake}", fake.base_url) for a in CONTRACT[name][0]]


@pytest.fixture
def lived_in(run, onboarded, fake_aisa):
    """Onboarded against the fake AIsa, with deepseek-r1 added (served, not in the catalogue); since then
    AIsa stopped serving qwen-mt-flash and the config became readable by all: work for sync and doctor."""
    assert run("models", "add", "deepseek-r1").code == 0
    fake_aisa.models.remove("qwen-mt-flash")
    onboarded.chmod(0o644)
    return onboarded


@pytest.mark.parametrize("name", ONBOARD)
def test_onboard_json_keeps_its_documented_keys(run, fake_aisa, online, name):
    assert_contract(name, run(*argv(name, fake_aisa)))


@pytest.mark.parametrize("name", AFTER_ONBOARDING)
def test_every_json_document_keeps_its_keys_in_order_and_its_exit_code(run, lived_in, fake_aisa, name):
    assert_contract(name, run(*argv(name, fake_aisa)))

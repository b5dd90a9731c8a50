"""Load a plugin.toml into a validated `Catalog`.

Validation uses pydantic, whose import alone costs more than a whole offline command may take. So
the validated catalogue is cached as JSON in the user cache, keyed by the hash of the file and of
the schema (types.py): pydantic runs once per new plugin.toml, and every later run only parses JSON.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from . import types
from .cache import cache_dir, checksum
from .cache import write as write_cache
from .errors import CatalogError
from .schema import parse_version
from .types import Catalog

# Checked only when plugin.toml is validated (a cold cache): re compiles them then, not at every start.
_ID = r"^[a-z0-9][a-z0-9._-]*$"
_ENV_VAR = r"^[A-Z_][A-Z0-9_]*$"


def bundled_path() -> Path:
    """plugin.toml inside the installed wheel, else at the repository root (source checkout)."""
    here = Path(__file__).resolve().parent
    packaged = here / "plugin.toml"
    return packaged if packaged.is_file() else here.parent / "plugin.toml"


@cache
def load_catalog(path: Path | None = None) -> Catalog:
    path = path or bundled_path()
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise CatalogError(f"cannot read {path}: {e.strerror}; reinstall openclaw-aisa") from None
    schema = Path(types.__file__).read_bytes()
    cached = cache_dir() / f"catalog-{CACHE_FORMAT}-{checksum(raw)}-{checksum(schema)}.json"
    try:
        catalog = _load(json.loads(cached.read_bytes()))
        if isinstance(catalog, Catalog):
            return catalog
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass
    catalog = validate(raw, path)
    write_cache(cached, json.dumps(_dump(catalog)).encode())
    return catalog


def validate(raw: bytes, path: Path) -> Catalog:
    """Parse and validate plugin.toml text; a problem is one line naming the file and the field."""
    import tomllib  # only when the cache is cold: ~2 ms of every start otherwise

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise CatalogError(f"{path}: not valid TOML: {e}") from None
    from pydantic import TypeAdapter, ValidationError

    try:
        catalog = TypeAdapter(Catalog).validate_python(data)
    except ValidationError as e:
        err = e.errors()[0]
        where = _field_path(err["loc"], data)
        raise CatalogError(f"{path}: {where}: {err['msg']}") from None
    _check_references(catalog, path)
    return catalog


def _field_path(loc: tuple, data: Any) -> str:
    """`providers[0].models[2].max_tokens` with the model's id where known: `...models[2] (kimi-k2.5)`."""
    out, node = "", data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f" ({node['id']})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _check_references(catalog: Catalog, path: Path) -> None:
    def fail(where: str, what: str) -> None:
        raise CatalogError(f"{path}: {where}: {what}")

    _check_values(catalog, "", fail)
    provider_ids = [p.id for p in catalog.providers]
    for i, p in enumerate(catalog.providers):
        at = f"providers[{i}] ({p.id})"
        if not re.match(_ID, p.id):
            fail(f"{at}.id", "use lowercase letters, digits, '.', '_' or '-'")
        if provider_ids.count(p.id) > 1:
            fail(f"{at}.id", "declared twice")
        if not p.base_url.startswith("https://"):
            fail(f"{at}.base_url", "must start with https://")
        for var in (*p.env_vars, *([p.base_url_env] if p.base_url_env else [])):
            if not re.match(_ENV_VAR, var):
                fail(f"{at}.env_vars", f"{var!r} is not an upper-case environment variable name")
        ids = [m.id for m in p.models]
        for j, m in enumerate(p.models):
            if "/" in m.id or ids.count(m.id) > 1:
                fail(f"{at}.models[{j}] ({m.id}).id", "must be a bare upstream id, once per provider")
        for j, m in enumerate(p.models):
            for k, price in enumerate(m.prices):
                if p.sellers and price.seller not in p.sellers:
                    fail(
                        f"{at}.models[{j}] ({m.id}).prices[{k}].seller",
                        f"{price.seller!r} is not in the provider's sellers ({', '.join(p.sellers)})",
                    )
                if not price.source.strip():
                    fail(f"{at}.models[{j}] ({m.id}).prices[{k}].source", "say where the figure comes from")
            for k, extra in enumerate(m.compat_since):
                if parse_version(extra.since) is None:
                    fail(f"{at}.models[{j}] ({m.id}).compat_since[{k}].since", f"{extra.since!r} is not an OpenClaw version like 2026.9.6")
        shorthands = [m.shorthand for m in p.models if m.shorthand]
        for j, m in enumerate(p.models):
            if m.shorthand and (shorthands.count(m.shorthand) > 1 or m.shorthand in ids or m.is_translation):
                fail(
                    f"{at}.models[{j}] ({m.id}).shorthand",
                    f"{m.shorthand!r} must be unique, not a model id, and not on a translation model",
                )
            if m.deprecated and m.deprecated.id not in ids:
                fail(f"{at}.models[{j}] ({m.id}).deprecated.id", f"{m.deprecated.id!r} is not one of its models")
        default = p.model(p.default_model)
        if default is None:
            fail(f"{at}.default_model", f"{p.default_model!r} is not one of its models")
        elif default.is_translation:
            fail(f"{at}.default_model", f"{p.default_model!r} is a translation model")
        fallbacks = [f.name for f in p.families if not f.prefixes]
        if p.families and len(fallbacks) != 1:
            fail(f"{at}.families", f"give exactly one family without prefixes (for any other id); found {len(fallbacks)}")
        for k, family in enumerate(p.families):
            if family.prefixes and any(not prefix.strip() for prefix in family.prefixes):
                fail(f"{at}.families[{k}] ({family.name}).prefixes", "a prefix must not be empty (leave prefixes out for the fallback)")
        for k, alias in enumerate(p.aliases):
            if alias.retired and not alias.source:
                fail(f"{at}.aliases[{k}].source", "say where the retirement is seen")
            clash = set(alias.ids) & set(ids)
            if clash:
                fail(f"{at}.aliases[{k}].ids", f"{sorted(clash)} are catalogue ids, not aliases")
    for i, choice in enumerate(catalog.auth_choices):
        at = f"auth_choices[{i}] ({choice.id})"
        if choice.provider not in provider_ids:
            fail(f"{at}.provider", f"{choice.provider!r} is not a provider in this file")
        if not re.match(r"^--[a-z0-9][a-z0-9-]*$", choice.cli_flag):
            fail(f"{at}.cli_flag", "must look like --name-of-flag")
        if not re.match(_ENV_VAR, choice.env_var):
            fail(f"{at}.env_var", f"{choice.env_var!r} is not an upper-case environment variable name")


def _check_values(node: Any, at: str, fail: Callable[[str, str], None]) -> None:
    """Bounds for every field: no empty text, token counts above 0, prices at or above 0."""
    if dataclasses.is_dataclass(node):
        node_id = getattr(node, "id", None)
        label = f" ({node_id})" if isinstance(node_id, str) and at.endswith("]") else ""
        for f in dataclasses.fields(node):
            _check_values(getattr(node, f.name), f"{at}{label}.{f.name}" if at else f.name, fail)
    elif isinstance(node, tuple):
        for i, item in enumerate(node):
            _check_values(item, f"{at}[{i}]", fail)
    elif isinstance(node, str) and not node.strip() and not at.endswith((".notes", "_url", ".hint", ".prompt")):
        fail(at, "must not be empty")
    elif isinstance(node, bool):
        pass
    elif isinstance(node, int) and node <= 0 and at.endswith((".value", ".max_input_tokens")):
        fail(at, "must be greater than 0")
    elif isinstance(node, (int, float)) and node < 0:
        fail(at, "must be greater than or equal to 0")


# The cache says what each value is, so rebuilding it needs no type introspection (typing.get_type_hints
# evaluates every annotation: ~2 % of a command's start-up): a dataclass is {"": name, fields...},
# a tuple {"()": [...]}, a date {"date": "..."}, a mapping {"{}": {...}}; lists and scalars are themselves.
CACHE_FORMAT = 2
_CLASSES = {name: cls for name, cls in vars(types).items() if isinstance(cls, type) and dataclasses.is_dataclass(cls)}


def _dump(node: Any) -> Any:
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return {"": type(node).__name__, **{f.name: _dump(getattr(node, f.name)) for f in dataclasses.fields(node)}}
    if isinstance(node, tuple):
        return {"()": [_dump(v) for v in node]}
    if isinstance(node, dt.date):
        return {"date": node.isoformat()}
    if isinstance(node, dict):
        return {"{}": {k: _dump(v) for k, v in node.items()}}
    if isinstance(node, list):
        return [_dump(v) for v in node]
    return node


def _load(node: Any) -> Any:
    """Rebuild validated dataclasses from their cached form (no validation: the file's hash vouches)."""
    if isinstance(node, list):
        return [_load(v) for v in node]
    if not isinstance(node, dict):
        return node
    if "" in node:
        return _CLASSES[node[""]](**{k: _load(v) for k, v in node.items() if k})
    if "()" in node:
        return tuple(_load(v) for v in node["()"])
    if "date" in node:
        return dt.date.fromisoformat(node["date"])
    return {k: _load(v) for k, v in node["{}"].items()}

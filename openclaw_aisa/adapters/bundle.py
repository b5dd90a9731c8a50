"""Write the native OpenClaw plugin bundle: the generated manifest and package.json, and the static index.js."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..native import manifest, package_json
from ..types import AuthChoice, Provider

STATIC = files("openclaw_aisa") / "native"


def write_bundle(directory: Path, provider: Provider, choices: list[AuthChoice], version: str, **options: Any) -> Path:
    """Write the three files of the bundle into `directory` (created); returns it."""
    directory.mkdir(parents=True, exist_ok=True)
    files_out = {
        "openclaw.plugin.json": json.dumps(manifest(provider, choices, version, **options), indent=2) + "\n",
        "package.json": json.dumps(package_json(provider, version), indent=2) + "\n",
        "index.js": (STATIC / "index.js").read_text(encoding="utf-8"),
    }
    for name, text in files_out.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory

"""Write the native OpenClaw plugin bundle: the generated manifest and package.json, and the static index.js."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def staged(provider: Provider, choices: list[AuthChoice], version: str, **options: Any) -> Iterator[Path]:
    """The bundle written into a private temp dir (0700) for OpenClaw to install from; removed afterwards."""
    import shutil
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="openclaw-aisa-bundle-"))
    try:
        yield write_bundle(work / provider.id, provider, choices, version, **options)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def remove_leftover(directory: Path) -> bool:
    """Delete an installed plugin's directory that OpenClaw's uninstall left behind; False if there is none."""
    if not directory.is_dir():
        return False
    import shutil

    shutil.rmtree(directory)
    return True

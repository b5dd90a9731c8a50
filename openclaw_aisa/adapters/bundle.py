"""Write the native OpenClaw plugin bundle: the generated manifest and package.json, and the static index.js."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..native import BUNDLE_FILES, MARK, manifest, package_json
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


def ours(directory: Path, provider: Provider) -> bool:
    """A real directory (not a link) holding only a bundle this package wrote: marked in its package.json
    (or, from before the mark, our package.json's shape) and nothing else, no `.git`, no user files."""
    try:
        if directory.is_symlink() or not directory.is_dir():
            return False
        names = {entry.name for entry in directory.iterdir()}
        meta = json.loads((directory / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(meta, dict) or not names <= BUNDLE_FILES:
        return False
    legacy = {k: meta.get(k) for k in ("name", "description", "openclaw")} == {
        k: v for k, v in package_json(provider, "").items() if k in ("name", "description", "openclaw")
    }
    return meta.get(MARK) == {"generated": True} or legacy


def remove_leftover(directory: Path, provider: Provider) -> str | None:
    """Delete the plugin directory OpenClaw's uninstall left behind, if this package wrote it.
    Returns what was done or kept, None when there is nothing there."""
    if not directory.exists() and not directory.is_symlink():
        return None
    if not ours(directory, provider):
        return f"kept {directory}: it is not a bundle openclaw-aisa wrote (a link, or it holds other files); remove it yourself if it should go"
    import shutil

    try:
        shutil.rmtree(directory)
    except OSError as e:
        return f"could not remove {directory} ({e.strerror or e}); remove it yourself: this OpenClaw would still load it"
    return f"removed {directory} (this OpenClaw leaves it behind and would still load it)"

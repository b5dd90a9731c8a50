"""Write the native OpenClaw plugin bundle: the generated manifest and package.json, and the static index.js."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..native import BUNDLE_FILES, MARK, live_catalog, manifest, package_json
from ..types import AuthChoice, Provider

STATIC = files("openclaw_aisa") / "native"


def render(provider: Provider, choices: list[AuthChoice], version: str, **options: Any) -> dict[str, str]:
    """The bundle's files, name -> text: the generated manifest and package.json, and the static index.js."""
    return {
        "openclaw.plugin.json": json.dumps(manifest(provider, choices, version, **options), indent=2) + "\n",
        "package.json": json.dumps(package_json(provider, version), indent=2) + "\n",
        "live-catalog.json": json.dumps(live_catalog(provider, options.get("openclaw_version")), indent=2) + "\n",
        "index.js": (STATIC / "index.js").read_text(encoding="utf-8"),
        "live-catalog.js": (STATIC / "live-catalog.js").read_text(encoding="utf-8"),
        "usage.js": (STATIC / "usage.js").read_text(encoding="utf-8"),
    }


def write_bundle(directory: Path, provider: Provider, choices: list[AuthChoice], version: str, **options: Any) -> Path:
    """Write the three files of the bundle into `directory` (created); returns it."""
    return write_files(directory, render(provider, choices, version, **options))


def write_files(directory: Path, texts: dict[str, str]) -> Path:
    """`texts` (name -> text) into `directory` (made private, 0700), replacing what a bundle there held before."""
    from ..errors import ConfigError
    from .store import secure_dir

    secure_dir(directory)
    try:
        for name, text in texts.items():
            (directory / name).write_text(text, encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot write the plugin bundle to {directory}: {e.strerror or e}") from None
    return directory


def base_url(directory: Path, provider_id: str) -> str | None:
    """The endpoint an installed bundle's catalogue was generated for; None when it has no readable manifest."""
    try:
        manifest = json.loads((directory / "openclaw.plugin.json").read_text(encoding="utf-8"))
        url = manifest["modelCatalog"]["providers"][provider_id]["baseUrl"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return url if isinstance(url, str) else None


def read_text(path: Path) -> str | None:
    """A bundle file's text, None when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def holds(directory: Path, texts: dict[str, str]) -> bool:
    """`directory` holds exactly `texts`, byte for byte: what OpenClaw loads is what this package would install."""
    try:
        if directory.is_symlink() or {e.name for e in directory.iterdir()} != set(texts):
            return False
        return all((directory / name).read_text(encoding="utf-8") == text for name, text in texts.items())
    except (OSError, UnicodeDecodeError):
        return False


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


def remove_source(directory: Path, provider: Provider) -> None:
    """Delete our private copy of the bundle once OpenClaw has uninstalled the plugin (and its parent, when
    empty); anything that is not a bundle of ours stays, as in `remove_leftover`."""
    import shutil

    if ours(directory, provider):
        shutil.rmtree(directory, ignore_errors=True)
        try:
            directory.parent.rmdir()
        except OSError:  # not empty (another provider's copy), or already gone
            pass

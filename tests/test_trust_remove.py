"""Never delete what we did not create: `remove` and `plugin uninstall` against the real OpenClaw, with
the user's own plugin, a symlinked plugin directory, and OpenClaw's uninstall failing."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from openclaw_aisa.adapters import bundle
from openclaw_aisa.native import package_json

from .conftest import KEY
from .test_native import shim  # noqa: F401  (a fixture: the pinned OpenClaw as `openclaw` on PATH)


def tree(root: Path) -> dict[str, str]:
    """Every entry under `root` (not following links) and its content's hash: what must not change."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            rel = str(path.relative_to(root))
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[rel] = "dir"
    return found


def users_own_plugin(directory: Path) -> None:
    """A plugin the user develops under the same id: a git checkout with their own files."""
    (directory / ".git").mkdir(parents=True)
    (directory / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (directory / "package.json").write_text(json.dumps({"name": "aisa", "version": "0.0.1", "description": "my fork"}))
    (directory / "index.js").write_text("export default {};\n")
    (directory / "NOTES.md").write_text("my work\n")


def provider():
    from openclaw_aisa.host import load_host

    return load_host(env={}).provider(None)


def test_only_a_bundle_this_package_wrote_counts_as_ours(tmp_path):
    p = provider()
    ours = bundle.write_bundle(tmp_path / "ours", p, [], "1.0.0")
    assert bundle.ours(ours, p)
    users_own_plugin(tmp_path / "theirs")
    assert not bundle.ours(tmp_path / "theirs", p)
    (ours / "notes.txt").write_text("the user's file inside our bundle: then it is not only ours\n")
    assert not bundle.ours(ours, p)
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    old = {k: v for k, v in package_json(p, "0.9.0").items() if k != "openclaw-aisa"}
    (legacy / "package.json").write_text(json.dumps(old))
    assert bundle.ours(legacy, p), "a bundle from before the mark has our package.json's shape"
    link = tmp_path / "link"
    link.symlink_to(ours)
    assert not bundle.ours(link, p)


def test_a_leftover_that_is_not_ours_is_kept_and_said(tmp_path):
    p = provider()
    users_own_plugin(tmp_path / "aisa")
    before = tree(tmp_path)
    said = bundle.remove_leftover(tmp_path / "aisa", p)
    assert said and said.startswith("kept") and tree(tmp_path) == before
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    assert bundle.remove_leftover(tmp_path / "link", p).startswith("kept")
    assert (tmp_path / "link").is_symlink()


@pytest.mark.openclaw
def test_remove_never_deletes_the_users_own_plugin_directory(openclaw, our_cli, home, shim):  # noqa: F811
    """OpenClaw does not know the directory as an installed plugin, so its uninstall fails or does nothing:
    the user's checkout must come through byte for byte, whatever the version."""
    assert our_cli("onboard", "--aisa-api-key", KEY, "--non-interactive", "--no-plugin", **shim).returncode == 0
    mine = home / ".openclaw" / "extensions" / "aisa"
    users_own_plugin(mine)
    before = tree(mine)
    done = our_cli("remove", "--non-interactive", **shim)
    assert done.returncode == 0, done.stderr
    assert tree(mine) == before
    assert "aisa" not in json.loads((home / ".openclaw" / "openclaw.json").read_text()).get("models", {}).get("providers", {})


@pytest.mark.openclaw
def test_remove_with_a_symlinked_plugin_directory_finishes_and_leaves_the_link(openclaw, our_cli, home, shim):  # noqa: F811
    assert our_cli("onboard", "--aisa-api-key", KEY, "--non-interactive", "--no-plugin", **shim).returncode == 0
    target = home / "src" / "aisa-plugin"
    users_own_plugin(target)
    extensions = home / ".openclaw" / "extensions"
    extensions.mkdir(parents=True)
    (extensions / "aisa").symlink_to(target)
    before = tree(home / "src")
    done = our_cli("remove", "--non-interactive", **shim)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (extensions / "aisa").is_symlink() and tree(home / "src") == before

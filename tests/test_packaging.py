"""The wheel a user installs: plugin.toml inside it, the console script and `python -m` working."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from openclaw_aisa.catalog import load_catalog

from .conftest import KEY, mode, read_json
from .realclaw import sandbox_env

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """Build the wheel from this checkout and install it into a fresh virtual environment."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], check=True, capture_output=True)
    wheel = next(dist.glob("openclaw_aisa-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert "openclaw_aisa/plugin.toml" in names
    assert "openclaw_aisa/native/index.js" in names  # the native OpenClaw entry, read at run time
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    return env_dir


def test_installed_cli_onboards_from_the_packaged_plugin_toml(installed, home):
    env = sandbox_env(home)
    env.pop("OPENCLAW_CONFIG_PATH")
    env.pop("OPENCLAW_STATE_DIR")
    env.pop("OPENCLAW_HOME")
    done = subprocess.run(
        [str(installed / "bin" / "openclaw-aisa"), "onboard", "--auth-choice", "aisa-api-key", "--aisa-api-key", KEY, "--non-interactive"],
        env=env,
        capture_output=True,
        text=True,
        cwd="/",
    )
    assert done.returncode == 0, done.stderr
    assert KEY not in done.stdout + done.stderr
    config = home / ".openclaw" / "openclaw.json"
    assert len(read_json(config)["models"]["providers"]["aisa"]["models"]) == len(load_catalog().providers[0].models)
    assert mode(config) == 0o600 and mode(home / ".openclaw") == 0o700 and mode(home / ".openclaw" / ".env") == 0o600


def test_python_dash_m_works_in_the_installed_environment(installed, home):
    done = subprocess.run(
        [str(installed / "bin" / "python"), "-m", "openclaw_aisa", "models", "list"],
        env=sandbox_env(home),
        capture_output=True,
        text=True,
        cwd="/",
    )
    assert done.returncode == 0, done.stderr
    assert "aisa/kimi-k2.5" in done.stdout
    location = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import openclaw_aisa.catalog as c; print(c.bundled_path())"],
        capture_output=True,
        text=True,
        cwd="/",
    )
    assert str(installed) in location.stdout

"""The native OpenClaw plugin: install, status and uninstall, through the user's own `openclaw`.

Onboarding installs it and `remove` uninstalls it with the same functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import merge, notices, schema
from ..adapters import bundle, openclaw_exe, paths, store
from ..catalog import load_catalog
from ..errors import AisaError, UsageError
from ..host import Host
from ..native import BUNDLE_FILES
from ..types import Provider, record
from ..urls import check_base_url
from . import transaction

LEAVES_DIRECTORY_BEFORE = "2026.5.28"  # 3.31's uninstall keeps extensions/<id>/ (and still loads it); 5.28 and 9.6 delete it


@record
class Request:
    """Which provider's plugin, through which openclaw, and the options of install and uninstall."""

    provider: str | None = None
    profile: str | None = None
    openclaw: str | None = None
    base_url: str | None = None  # install: the endpoint baked into the plugin's catalogue
    primary: str | None = None  # uninstall: what replaces a primary that needs the plugin


def package_version() -> str:
    return load_catalog().plugin.version


def find_openclaw(env: Mapping[str, str], explicit: str | None) -> tuple[Path, str]:
    command = openclaw_exe.find(env, explicit)
    if command is None:
        raise UsageError("no openclaw command on PATH; pass --openclaw PATH (the openclaw you run), or install OpenClaw first")
    version = openclaw_exe.version(command, env)
    if version is None:
        raise AisaError(f"{command} --version printed no version; is it OpenClaw, with Node 24 on PATH?")
    return command, version


@record
class Bundle:
    """What installing the bundle did: which openclaw, the command line used, and what OpenClaw reports."""

    openclaw: str
    openclaw_version: str
    plugin: str
    plugin_version: str
    command: str  # "" when nothing was run: OpenClaw already loaded these very files
    enabled: bool | None
    status: str | None
    reused: bool = False
    allowed: str = ""  # the note when plugins.allow had to name the plugin for OpenClaw to load it

    @property
    def did(self) -> str:
        if self.reused:
            done = f"the {self.plugin} plugin {self.plugin_version} was already installed and loaded: not reinstalled"
        else:
            done = f"installed the {self.plugin} plugin {self.plugin_version} with `{self.command}`; it is {self.status or 'not listed'}"
        return f"{done}; {self.allowed}" if self.allowed else done

    def document(self) -> dict[str, Any]:
        return {
            "openclaw": self.openclaw,
            "openclaw_version": self.openclaw_version,
            "plugin": self.plugin,
            "plugin_version": self.plugin_version,
            "command": self.command,
            "enabled": self.enabled,
            "status": self.status,
            "reinstalled": not self.reused,
            "allowed": self.allowed or None,
        }


@record
class Installed:
    """`plugin install --json`."""

    bundle: Bundle
    provider: Provider
    auth_choice: str
    exit_code: int = 0

    def document(self) -> dict[str, Any]:
        return self.bundle.document()


def install(host: Host, env: Mapping[str, str], request: Request) -> Installed:
    provider = host.provider(request.provider)
    command, version = find_openclaw(env, request.openclaw)
    loc = paths.locate(env, request.profile)
    base_url = check_base_url(request.base_url) if request.base_url else _variable_base_url(provider, loc, env)
    bundle = install_bundle(host, provider, command, version, env, loc, base_url)
    if bundle.status != "loaded":
        raise AisaError(
            f"OpenClaw {version} installed the {provider.id} plugin but reports it {bundle.status or 'missing'}; see `openclaw plugins list`"
        )
    choice = next(iter(c.id for c in host.auth_choices.values() if c.provider == provider.id), "")
    return Installed(bundle, provider, choice)


def _variable_base_url(provider: Provider, loc: paths.Location, env: Mapping[str, str]) -> str | None:
    """AISA_BASE_URL (environment, .env, config env block) bakes into the plugin as --base-url would."""
    from . import session

    found = session.stored_base_url(provider, loc, env)
    return found[0] if found else None


def install_bundle(
    host: Host, provider: Provider, command: Path, version: str, env: Mapping[str, str], loc: paths.Location, base_url: str | None = None
) -> Bundle:
    """Install the bundle with OpenClaw's own CLI, from our private copy of it; what happened.

    When OpenClaw already loads exactly these files (same version, same endpoint), nothing is reinstalled.
    Versions without `plugins install --force` (3.31) refuse to install over an existing plugin:
    there the old one is uninstalled first, through OpenClaw, with the directory it leaves behind.
    """
    choices = [c for c in host.auth_choices.values() if c.provider == provider.id]
    texts = bundle.render(provider, choices, package_version(), base_url=base_url, openclaw_version=version)
    allowed = _allow(provider, loc, env)
    entry = None
    if bundle.holds(loc.plugin_installed(provider.id), texts):
        notices.step(f"Checking that OpenClaw {version} loads the {provider.id} plugin it has (openclaw plugins list)")
        entry = openclaw_exe.plugin_entry(command, provider.id, env)
        if entry and entry.get("status") == "loaded" and entry.get("enabled") is not False:
            bundle.write_files(loc.plugin_source(provider.id), texts)  # an install from before the private copy
            return Bundle(str(command), version, provider.id, package_version(), "", True, "loaded", reused=True, allowed=allowed)
    notices.step(f"Installing the {provider.id} plugin {package_version()} through OpenClaw {version} (openclaw plugins install; 5-30 s)")
    flags = openclaw_exe.supported_flags(command, env, "plugins", "install")
    if "--force" not in flags and (entry or openclaw_exe.plugin_entry(command, provider.id, env)):
        _uninstall_plugin(provider, command, loc, env)
    source = bundle.write_files(loc.plugin_source(provider.id), texts)
    used = openclaw_exe.install_plugin(command, source, env, flags)
    notices.step(f"Checking that OpenClaw {version} loads it (openclaw plugins list)")
    entry = openclaw_exe.plugin_entry(command, provider.id, env) or {}
    return Bundle(
        str(command),
        version,
        provider.id,
        package_version(),
        "openclaw " + " ".join(used),
        entry.get("enabled"),
        entry.get("status"),
        allowed=allowed,
    )


def _allow(provider: Provider, loc: paths.Location, env: Mapping[str, str]) -> str:
    """An exclusive `plugins.allow` that leaves the plugin out makes OpenClaw install it and then not
    load it (OpenClaw issue #121750): the plugin is added to the list first. The note, or ""."""

    def transform(config: dict[str, Any]) -> merge.Merged:
        return merge.allowing_plugin(config, provider.id)

    planned = transaction.plan(loc, transform)
    if not planned.merged.changes:
        return ""
    transaction.commit(loc, env, transform, planned)
    return f"added {provider.id} to your plugins.allow, which lists the plugins OpenClaw may load"


@record
class Status:
    """`plugin status --json`."""

    openclaw: str
    openclaw_version: str
    plugin: str
    installed: bool
    enabled: bool | None
    status: str | None
    installed_version: str | None
    package_version: str
    stale_files: tuple[str, ...] = ()  # files of the installed bundle that differ from what this package installs
    exit_code: int = 0

    @property
    def current(self) -> bool:
        return self.installed_version == self.package_version and not self.stale_files

    def document(self) -> dict[str, Any]:
        return {
            "openclaw": self.openclaw,
            "openclaw_version": self.openclaw_version,
            "plugin": self.plugin,
            "installed": self.installed,
            "enabled": self.enabled,
            "status": self.status,
            "installed_version": self.installed_version,
            "package_version": self.package_version,
            "stale_files": list(self.stale_files),
            "current": self.current,
        }


def status(host: Host, env: Mapping[str, str], request: Request) -> Status:
    provider = host.provider(request.provider)
    command, version = find_openclaw(env, request.openclaw)
    entry = openclaw_exe.plugin_entry(command, provider.id, env)
    found = entry or {}
    stale = stale_files(host, provider, paths.locate(env, request.profile), version) if entry is not None else ()
    return Status(
        str(command),
        version,
        provider.id,
        entry is not None,
        found.get("enabled"),
        found.get("status"),
        found.get("version"),
        package_version(),
        stale or (),
    )


def stale_files(host: Host, provider: Provider, loc: paths.Location, version: str | None) -> tuple[str, ...] | None:
    """The files of the installed bundle that differ from what this package would install for this OpenClaw
    (same endpoint); None when no bundle is installed. An older openclaw-aisa's bundle differs."""
    installed = loc.plugin_installed(provider.id)
    base_url = bundle.base_url(installed, provider.id)
    if base_url is None:
        return None if not installed.exists() else tuple(sorted(BUNDLE_FILES))
    choices = [c for c in host.auth_choices.values() if c.provider == provider.id]
    texts = bundle.render(provider, choices, package_version(), base_url=base_url, openclaw_version=version)
    return tuple(name for name in sorted(texts) if bundle.read_text(installed / name) != texts[name])


@record
class UninstallPlan:
    """What `plugin uninstall` needs to know before it acts: may the user have to name a new primary?"""

    provider: Provider
    command: Path
    version: str
    loc: paths.Location
    keeps_working: bool  # our onboarding's block needs no plugin
    primary_needed: str | None  # the primary that needs the plugin, when nothing replaces it yet


def plan_uninstall(host: Host, env: Mapping[str, str], request: Request) -> UninstallPlan:
    provider = host.provider(request.provider)
    command, version = find_openclaw(env, request.openclaw)
    loc = paths.locate(env, request.profile)
    config = store.read_checked(loc.config).data
    block = schema.dig(config, "models", "providers", provider.id)
    keeps_working = isinstance(block, dict) and "apiKey" in block
    current = schema.current_primary(config)
    needed = current if not keeps_working and current and current.startswith(f"{provider.id}/") and not request.primary else None
    return UninstallPlan(provider, command, version, loc, keeps_working, needed)


@record
class Uninstalled:
    """`plugin uninstall --json`."""

    plugin: str
    done: tuple[str, ...]
    openclaw_version: str
    exit_code: int = 0

    def document(self) -> dict[str, Any]:
        return {"plugin": self.plugin, "done": list(self.done)}


def uninstall(env: Mapping[str, str], plan: UninstallPlan, primary: str | None) -> Uninstalled:
    provider, loc = plan.provider, plan.loc
    done = uninstall_native(provider, plan.command, loc, env)
    if plan.keeps_working:
        done.append(f"{provider.label} stays configured in {loc.config} (openclaw-aisa onboard); `openclaw-aisa remove` takes it out")
    else:

        def transform(config: dict[str, Any]) -> merge.Merged:
            return merge.remove_provider(config, provider, primary=primary)

        committed = transaction.commit(loc, env, transform, transaction.plan(loc, transform))
        done += [c.summary for c in committed.merged.changes if c.summary]
    return Uninstalled(provider.id, tuple(done), plan.version)


def uninstall_native(provider: Provider, command: Path, loc: paths.Location, env: Mapping[str, str]) -> list[str]:
    """OpenClaw's own uninstall, then what it leaves: 3.31 keeps `extensions/<id>/` (and still loads it),
    9.6 a disabled `plugins.entries.<id>`; the keys OpenClaw's onboarding stored go through its own
    command (9.x `models auth logout`, 5.28 `infer model auth logout`), never by editing its store."""
    from ..adapters import profiles

    done = _uninstall_plugin(provider, command, loc, env)
    config = store.read_config(loc.config).data
    if schema.dig(config, "plugins", "entries", provider.id) == {"enabled": False} and not loc.plugin_installed(provider.id).exists():
        unset = openclaw_exe.run(command, "config", "unset", f"plugins.entries.{provider.id}", env=env)
        done.append(
            f"openclaw config unset plugins.entries.{provider.id}" + ("" if unset.returncode == 0 else f" failed (exit {unset.returncode})")
        )
    stored = profiles.stored(loc.state_dir, config, provider.id)
    if not stored:
        return done
    notices.step(f"Removing the {provider.label} keys OpenClaw's own onboarding stored ({', '.join(p.id for p in stored)})")
    runs = openclaw_exe.forget_keys_commands(command, env, provider.id, [p.id for p in stored])
    if not runs:  # 3.31: a plain JSON file, and no command; the profile is one our plugin's auth method made
        said = profiles.forget_in_file(loc.state_dir, config, provider.id)
        return [*done, said] if said else done
    for args in runs:
        gone = openclaw_exe.run(command, *args, env=env)
        done.append(f"openclaw {' '.join(args)}" + ("" if gone.returncode == 0 else f" failed (exit {gone.returncode})"))
    return done


def _uninstall_plugin(provider: Provider, command: Path, loc: paths.Location, env: Mapping[str, str]) -> list[str]:
    """`openclaw plugins uninstall`, then the `extensions/<id>/` that 3.31 leaves behind (and would still load)."""
    notices.step(f"Uninstalling the {provider.id} plugin through OpenClaw (openclaw plugins uninstall {provider.id})")
    gone = openclaw_exe.uninstall_plugin(command, provider.id, env)
    if gone.returncode != 0:  # whatever is in extensions/ stays: OpenClaw did not let go of it
        return [f"openclaw plugins uninstall {provider.id} failed (exit {gone.returncode}); nothing of the plugin was deleted"]
    done = [f"openclaw plugins uninstall {provider.id}"]
    bundle.remove_source(loc.plugin_source(provider.id), provider)
    try:
        version = openclaw_exe.version(command, env)
    except AisaError as e:  # the uninstall is done; what it may have left is then not ours to judge
        return [*done, f"left {loc.state_dir / 'extensions' / provider.id} as it is ({e})"]
    if version and schema.since(version) < schema.since(LEAVES_DIRECTORY_BEFORE):
        if what := bundle.remove_leftover(loc.state_dir / "extensions" / provider.id, provider):
            done.append(what)
    return done

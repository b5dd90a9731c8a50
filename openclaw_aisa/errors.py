"""Errors a user sees: one line saying what is wrong and how to fix it, and an exit code."""

PROG = "openclaw-aisa"  # the command, as hints name it
EX_TEMPFAIL = 75  # sysexits.h: "try again later", so that a script can tell a passing failure from one to fix


class AisaError(Exception):
    """A failure that is not the user's input (exit 1)."""

    exit_code = 1


class UsageError(AisaError):
    """Bad usage or bad input (exit 2); the user's files are left unchanged."""

    exit_code = 2


class CatalogError(AisaError):
    """A plugin.toml that does not validate."""


class ConfigError(UsageError):
    """An OpenClaw config we must not or cannot edit as it stands."""


class ConflictError(AisaError):
    """The config changed on disk between our read and our write."""

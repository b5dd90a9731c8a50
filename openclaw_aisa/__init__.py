"""openclaw-aisa: AIsa as a first-class model provider for OpenClaw.

Writing a provider plugin
-------------------------
A plugin is a module with hook implementations (the contract is in ``openclaw_aisa.hookspecs``),
published under the entry-point group ``openclaw_aisa``::

    # pyproject.toml of your package
    [project.entry-points.openclaw_aisa]
    myprovider = "myprovider_plugin"

    # myprovider_plugin.py
    from openclaw_aisa import hookimpl
    from openclaw_aisa.catalog import load_catalog   # validate your own plugin.toml, or
    from openclaw_aisa.types import Provider, Model, Figure, AuthChoice  # build the data in Python

    @hookimpl
    def register_providers(register):
        register(Provider(id="myprovider", ...))

    @hookimpl
    def register_auth_choices(register):
        register(AuthChoice(id="myprovider-api-key", provider="myprovider", label="My key",
                            cli_flag="--myprovider-api-key", env_var="MYPROVIDER_API_KEY"))

Registering data is enough: the built-in plugin detects the env vars and runs API-key onboarding
for every provider. ``OPENCLAW_AISA_DISABLE_PLUGINS=name,...`` skips installed plugins by name.
"""

import pluggy

hookimpl = pluggy.HookimplMarker("openclaw_aisa")

__all__ = ["hookimpl"]

"""Workflows: what each command does, as plain functions. A typed request in, a frozen result out.

They read and write only through the adapters, never print, prompt or read stdin, and never see
argparse: the CLI asks the user what it must before calling them, and renders what they return.
A result's `document()` is its `--json` form (README.md documents each); `exit_code` says how the
command ends. Requests and results are `types.record`s: frozen dataclasses.
"""

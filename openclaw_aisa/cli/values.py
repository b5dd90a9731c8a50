"""Flag values checked as argparse reads them: a bad one is a usage error (exit 2) before any work."""

from __future__ import annotations

import argparse
import math


def seconds(text: str) -> float:
    """A timeout: a finite number of seconds above zero (`nan`, `inf` and `-1` would never end or never start)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0 or value > 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a timeout; give seconds between 0 and 3600, e.g. 30")
    return value


def count(text: str) -> int:
    """A whole number of at least 1 (runs, tokens)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value

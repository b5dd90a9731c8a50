"""`python -m openclaw_aisa`: the same as the `openclaw-aisa` command."""

import sys

from .cli import main

sys.exit(main())

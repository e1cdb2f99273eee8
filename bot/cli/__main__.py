"""`python -m bot.cli`: the `jaarrond` command."""

import contextlib
import sys

from bot.cli import main

with contextlib.suppress(BrokenPipeError):
    sys.exit(main())

"""`python -m game` is the same as the `lunar-race` command."""

import sys

from game.cli import main

sys.exit(main())

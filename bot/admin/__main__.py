"""`python -m bot.admin <command>`: staff accounts from the command line (see bot.admin.cli)."""

from __future__ import annotations

import sys

from bot.admin.cli import main

if __name__ == "__main__":
    sys.exit(main())

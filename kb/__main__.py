"""``python -m kb <command>``: the guide editors' and operators' tools."""

from __future__ import annotations

import argparse
import sys

from bot.logging_setup import configure_logging
from bot.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb", description="Borgerbot guide tools.")
    parser.add_argument("command", choices=["build"], help="build: make the guide index current")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    if args.command == "build":
        from kb.prepare import ensure_index

        ensure_index(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())

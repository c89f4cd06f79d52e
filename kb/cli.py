"""The guide commands' shared entry: pick a command, configure logging, explain an unusable guide in Danish."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping

from core.log import configure_logging
from core.settings import Settings, get_settings
from kb.store import InvalidGuideError

Command = Callable[[Settings], int]


def run_command(prog: str, description: str, commands: Mapping[str, Command], argv: list[str] | None = None) -> int:
    """Run one named command with the process settings; exit code 1 when a guide cannot be used."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("command", choices=sorted(commands))
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    try:
        return commands[args.command](settings)
    except InvalidGuideError as exc:
        sys.stderr.write(f"En vejledning kan ikke bruges:\n{exc}\nRet den ('make kb-check' viser alle fejl).\n")
        return 1

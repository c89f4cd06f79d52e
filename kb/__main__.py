"""``python -m kb <command>``: the guide editors' and operators' tools."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from bot.logging_setup import configure_logging
from bot.settings import Settings, get_settings


def _build(settings: Settings) -> int:
    from kb.prepare import ensure_index

    ensure_index(settings)
    return 0


def _check(settings: Settings) -> int:
    """Report every problem as 'file: field: message'; exit 1 when there is any."""
    from kb.check import check_all
    from kb.embedder import default_embedder
    from kb.embedding.convert import ensure_model

    ensure_model(settings.embedding_model_path)
    problems = check_all(settings.kb_dir, default_embedder(settings.embedding_model_path), date.today())
    for problem in problems:
        sys.stdout.write(f"{problem}\n")
    guides = len(list((settings.kb_dir / "guides").glob("*.md")))
    sys.stdout.write(f"kb-check: {guides} guides, {len(problems)} problems\n")
    return 1 if problems else 0


COMMANDS = {"build": _build, "check": _check}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb", description="Borgerbot guide tools.")
    parser.add_argument(
        "command", choices=sorted(COMMANDS), help="build: make the guide index current; check: validate the guides"
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    return COMMANDS[args.command](settings)


if __name__ == "__main__":
    sys.exit(main())

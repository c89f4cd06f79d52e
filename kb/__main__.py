"""``python -m kb <command>``: build the guide index, check the guides (the library's own two commands)."""

from __future__ import annotations

import sys
from datetime import date

from core.settings import Settings
from kb.cli import Command, run_command


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
    sys.stdout.write(f"kb-check: {guides} vejledninger, {len(problems)} problemer\n")
    return 1 if problems else 0


COMMANDS: dict[str, Command] = {
    "build": _build,
    "check": _check,
}


def main(argv: list[str] | None = None) -> int:
    return run_command("python -m kb", "Borgerbot guide tools: build the index, check the guides.", COMMANDS, argv)


if __name__ == "__main__":
    sys.exit(main())

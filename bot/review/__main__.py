"""`python -m bot.review`: the weekly report of one municipality as HTML and CSV files (see bot.review).

`--bench` instead times the report over synthetic turns in a temporary database (bot.review.bench).
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect

from bot.analytics.report import build_report
from bot.analytics.tables import turns_table
from bot.analytics.weeks import last_complete_week, week_monday
from bot.review import write_report
from core.log import configure_logging
from core.settings import get_settings
from core.topics import TOPICS
from kb.content.engine import make_engine
from kb.content.store import SqlContentStore
from kb.embedder import Embedder, default_embedder
from kb.municipalities import Municipality, load_hotline, load_municipalities

logger = logging.getLogger("bot.review")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.review", description="Borgerbots ugerapport som filer.")
    parser.add_argument("--week", help="ISO-uge, fx 2026-W48 (standard: sidste hele uge)")
    parser.add_argument("--municipality", help="kommunens slug, fx kalundborg")
    parser.add_argument("--topic", choices=TOPICS, help="kun ét emne (tallene for alle emner er i CSV-filen)")
    parser.add_argument("--out", type=Path, default=Path("reports"), help="mappen, filerne skrives i")
    parser.add_argument("--no-groups", action="store_true", help="uden grupper af spørgsmål (ingen sprogmodel)")
    parser.add_argument("--bench", action="store_true", help="tag tid på rapporten over syntetiske samtaler")
    parser.add_argument("--turns", type=int, default=100_000, help="antal syntetiske beskeder til --bench")
    return parser


def _municipality(store: SqlContentStore, slug: str, kb_dir: Path) -> Municipality | None:
    record = store.municipality(slug)
    return record.data if record else load_municipalities(kb_dir).get(slug)


def main(argv: list[str] | None = None, embedder: Embedder | None = None) -> int:
    """Write the report; 0 when written, 1 with a Danish message on stderr when it cannot be."""
    args = _parser().parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    model = None if args.no_groups else embedder or default_embedder(settings.embedding_model_path)
    if args.bench:
        from bot.review.bench import run_bench

        sys.stdout.write(run_bench(args.turns, settings, model, args.week) + "\n")
        return 0
    if not args.municipality:
        sys.stderr.write("Vælg en kommune med --municipality, fx --municipality kalundborg.\n")
        return 1
    week = args.week or last_complete_week(datetime.now(UTC))
    try:
        week_monday(week)
    except ValueError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    engine = make_engine(settings.gateway_database_url)
    try:
        if not inspect(engine).has_table(turns_table.name):
            sys.stderr.write(
                "Databasen har ikke analysetabellerne endnu. "
                "Kør 'make run' eller 'python -m ops.database upgrade' først, og prøv igen.\n"
            )
            return 1
        municipality = _municipality(SqlContentStore(engine), args.municipality, settings.kb_dir)
        if municipality is None:
            sys.stderr.write(f"Der er ingen kommune med slug '{args.municipality}'.\n")
            return 1
        report = build_report(engine, municipality, load_hotline(settings.kb_dir), week, model, args.topic)
    finally:
        engine.dispose()
    written = write_report(report, args.out)
    logger.info("review.written", extra={"municipality": municipality.slug, "week": week, "files": len(written)})
    sys.stdout.write("".join(f"{path}\n" for path in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m kb <command>``: the guide editors' and operators' tools."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from datetime import date

from core.log import configure_logging
from core.settings import Settings, get_settings
from kb.store import InvalidGuideError


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


def _evaluate(settings: Settings, save: bool) -> int:
    """Print dense, lexical and hybrid retrieval figures; with save, store the calibration."""
    from kb.embedder import default_embedder
    from ops.retrieval.evaluate import evaluate, load_dev_set
    from kb.prepare import ensure_index
    from kb.search import GuideSearch
    from kb.store import FileGuideStore

    ensure_index(settings)
    topics = {g.id: g.topic for g in FileGuideStore(settings.kb_dir / "guides").list_guides()}
    search = GuideSearch(settings.index_dir, default_embedder(settings.embedding_model_path))
    report, calibration = evaluate(search, load_dev_set(topics=topics))
    sys.stdout.write(report + "\n")
    if save:
        calibration.save()
        sys.stdout.write("calibration saved to kb/calibration.json\n")
    return 0


def _bench(settings: Settings) -> int:
    """Print index build times and query latency on the shipped and a synthetic 20,000-chunk corpus."""
    from ops.retrieval.bench import QUERIES, SYNTHETIC_CHUNKS, run_bench
    from kb.embedder import default_embedder
    from kb.embedding.convert import ensure_model
    from ops.retrieval.evaluate import load_dev_set
    from kb.scope import scope_examples
    from kb.store import FileGuideStore

    ensure_model(settings.embedding_model_path)
    guides = FileGuideStore(settings.kb_dir / "guides").list_guides()
    queries = [q.text for q in load_dev_set()][:QUERIES]
    embedder = default_embedder(settings.embedding_model_path)
    scope = scope_examples(guides, settings.project_root / "data" / "nlu")
    sys.stdout.write(run_bench(guides, embedder, queries, SYNTHETIC_CHUNKS, scope) + "\n")
    return 0


COMMANDS: dict[str, Callable[[Settings], int]] = {
    "bench": _bench,
    "build": _build,
    "check": _check,
    "eval": functools.partial(_evaluate, save=False),
    "calibrate": functools.partial(_evaluate, save=True),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb", description="Borgerbot guide tools.")
    parser.add_argument(
        "command",
        choices=sorted(COMMANDS),
        help="build the index, check the guides, eval retrieval, calibrate confidence, bench",
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    try:
        return COMMANDS[args.command](settings)
    except InvalidGuideError as exc:
        sys.stderr.write(f"En vejledning kan ikke bruges:\n{exc}\nRet den ('make kb-check' viser alle fejl).\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())

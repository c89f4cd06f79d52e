"""``python -m ops.retrieval <command>``: retrieval figures on the dev set, the calibration fit, the index benchmark."""

from __future__ import annotations

import functools
import sys

from core.settings import Settings
from kb.cli import Command, run_command


def _evaluate(settings: Settings, save: bool) -> int:
    """Print dense, lexical and hybrid retrieval figures; with save, store the calibration."""
    from kb.embedder import default_embedder
    from kb.prepare import ensure_index
    from kb.search import GuideSearch
    from ops.devset import load_dev_set
    from ops.retrieval.evaluate import evaluate

    ensure_index(settings)
    search = GuideSearch(settings.index_dir, default_embedder(settings.embedding_model_path))
    report, calibration = evaluate(search, load_dev_set())
    sys.stdout.write(report + "\n")
    if save:
        calibration.save()
        sys.stdout.write("calibration saved to kb/calibration.json\n")
    return 0


def _bench(settings: Settings) -> int:
    """Print index build times and query latency on the shipped and a synthetic 20,000-chunk corpus."""
    from kb.embedder import default_embedder
    from kb.embedding.convert import ensure_model
    from kb.scope import scope_examples
    from kb.store import FileGuideStore
    from ops.devset import load_dev_set
    from ops.retrieval.bench import QUERIES, SYNTHETIC_CHUNKS, run_bench

    ensure_model(settings.embedding_model_path)
    guides = FileGuideStore(settings.kb_dir / "guides").list_guides()
    queries = [q.text for q in load_dev_set()][:QUERIES]
    embedder = default_embedder(settings.embedding_model_path)
    scope = scope_examples(guides, settings.project_root / "data" / "nlu")
    sys.stdout.write(run_bench(guides, embedder, queries, SYNTHETIC_CHUNKS, scope) + "\n")
    return 0


COMMANDS: dict[str, Command] = {
    "bench": _bench,
    "eval": functools.partial(_evaluate, save=False),
    "calibrate": functools.partial(_evaluate, save=True),
}


def main(argv: list[str] | None = None) -> int:
    return run_command("python -m ops.retrieval", "Retrieval tooling: eval, calibrate, bench.", COMMANDS, argv)


if __name__ == "__main__":
    sys.exit(main())

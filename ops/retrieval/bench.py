"""``make bench-kb``: index build time and query latency (embedding included), and memory.

Figures are printed, never asserted: these machines are shared and times are noisy.
The synthetic corpus recombines sentences of the shipped guides into many guides of
many municipalities, so the filter, the fusion and FAISS see a realistic load.
"""

from __future__ import annotations

import random
import resource
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from core.topics import TOPICS
from kb.chunks import guide_chunks
from kb.embedder import Embedder
from kb.index import build_index
from kb.schema import Guide
from kb.scope import ScopeExamples
from kb.search import GuideSearch
from kb.store import InMemoryGuideStore
from ops.bench.stats import percentile

SYNTHETIC_CHUNKS = 20_000
QUERIES = 200


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_corpus(seed_guides: Sequence[Guide], chunks: int, seed: int = 11) -> list[Guide]:
    """Guides made of the shipped guides' sentences until the corpus holds about ``chunks`` chunks."""
    rng = random.Random(seed)  # noqa: S311 (repeatable synthetic data)
    prose = [" ".join(line for line in g.body.splitlines() if not line.lstrip().startswith("#")) for g in seed_guides]
    sentences = [s.strip() + "." for text in prose for s in text.split(".") if len(s.strip()) > 30]
    questions = [q for g in seed_guides for q in g.questions]
    scopes = ["national", *(f"kommune-{i:02d}" for i in range(40))]
    guides: list[Guide] = []
    total = 0
    while total < chunks:
        n = len(guides)
        body = " ".join(rng.sample(sentences, 3))
        sections = "\n\n".join(f"## Afsnit {j}\n{' '.join(rng.sample(sentences, 4))}" for j in range(3))
        guide = Guide.model_validate(
            {
                "id": f"syntetisk-{n}",
                "title": f"Syntetisk vejledning {n}",
                "topic": rng.choice(TOPICS),
                "scope": rng.choice(scopes),
                "questions": [f"{q} ({n})" for q in rng.sample(questions, 4)],
                "links": [{"title": "borger.dk", "url": "https://www.borger.dk/"}],
                "sources": ["https://www.borger.dk/"],
                "last_reviewed": date(2026, 11, 1),
                "owner": "bench",
                "body": f"{body}\n\n{sections}",
            }
        )
        guides.append(guide)
        total += len(guide_chunks(guide))
    return guides


def _measure(
    label: str, guides: list[Guide], embedder: Embedder, queries: Sequence[str], scope: ScopeExamples
) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        index_dir = Path(folder)
        started = time.perf_counter()
        result = build_index(InMemoryGuideStore(guides), index_dir, embedder, scope)
        build_seconds = time.perf_counter() - started
        search = GuideSearch(index_dir, embedder)
        search.search("opvarmning", "kalundborg")  # load the index before timing queries
        latencies = []
        for query in queries:
            started = time.perf_counter()
            search.search(query, "kalundborg")
            latencies.append((time.perf_counter() - started) * 1000)
    return [
        f"{label}: {len(guides)} guides, {result.embedded_chunks} chunks, build {build_seconds:.1f} s "
        "(scope classifier included) "
        f"({result.embedded_chunks / build_seconds:.0f} chunks/s)",
        f"{label}: query latency with embedding, {len(latencies)} queries: p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms",
        f"{label}: resident memory now {rss_mb():.0f} MB, peak {peak_rss_mb():.0f} MB",
    ]


def run_bench(
    guides: list[Guide], embedder: Embedder, queries: Sequence[str], synthetic_chunks: int, scope: ScopeExamples
) -> str:
    """Every figure of ``make bench-kb`` as printable lines."""
    started = time.perf_counter()
    embedder.embed_queries(["opvarmning af modellen"])
    lines = [f"model load and first embedding: {time.perf_counter() - started:.1f} s, memory {rss_mb():.0f} MB"]
    lines += _measure("shipped corpus", guides, embedder, queries, scope)
    lines += _measure("synthetic corpus", synthetic_corpus(guides, synthetic_chunks), embedder, queries, scope)
    return "\n".join(lines)

"""Publish to live: seconds from a guide published in the content database to a citizen's answer holding it.

A stack of its own (content database, index copied from the published one) is started; a
distinctive sentence is added to a guide's short answer and saved through SqlContentStore with
publish=True; the guide's question is asked every 0.25 s until the reply holds the sentence. Each
edit is undone (and seen undone) before the next. Target: 10 s (docs/admin.md, "Live in seconds").
"""

from __future__ import annotations

import logging
import secrets
import string
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from core.settings import Settings
from kb.content import SqlContentStore
from kb.content.engine import make_engine
from kb.content.markdown import guide_to_markdown
from kb.schema import Guide, parse_guide
from ops.bench.ours import bench_settings, run_ours
from ops.bench.stats import percentile
from ops.publishing import copy_published_index, publish_content

logger = logging.getLogger(__name__)

QUESTION = "Hvad koster et pas?"
EDITS = 3
POLL_SECONDS = 0.25
DEADLINE_SECONDS = 60.0
TARGET_SECONDS = 10.0
ACTOR = "bench"


@dataclass(frozen=True)
class PublishToLive:
    """Each edit's seconds from the save to the first reply holding it (None: not within the deadline)."""

    question: str
    guide_id: str
    seconds: list[float | None] = field(default_factory=list)
    note: str = ""

    @property
    def median_seconds(self) -> float | None:
        """The median over the edits; None when any edit did not go live (its time is unknown)."""
        if not self.seconds or any(s is None for s in self.seconds):
            return None
        return percentile([s for s in self.seconds if s is not None], 0.5)

    @property
    def met(self) -> bool | None:
        median = self.median_seconds
        return None if not self.seconds else (median is not None and median <= TARGET_SECONDS)


def marker() -> str:
    """A sentence no guide holds: letters only, so nothing in the reply's path masks or splits it."""
    word = "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))
    return f"Kontrolsætning {word} fra målingen."


def with_sentence(source: str, sentence: str) -> str:
    """The guide's Markdown with the sentence at the end of its short answer (the body's first paragraph)."""
    guide = parse_guide(source)
    first, gap, rest = guide.body.partition("\n\n")
    return guide_to_markdown(Guide.model_validate({**guide.model_dump(), "body": f"{first} {sentence}{gap}{rest}"}))


def reply_text(reply: dict[str, Any]) -> str:
    return "\n".join(str(m.get("text") or "") for m in reply.get("messages", []))


def ask(http: httpx.Client, question: str) -> dict[str, Any]:
    response = http.post("/api/v1/chat", json={"municipality": "kalundborg", "message": question})
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


def answering_guide(http: httpx.Client, question: str) -> str:
    """The guide the stack answers the question from now."""
    sources = [m["source"] for m in ask(http, question)["messages"] if m.get("source")]
    if not sources:
        raise RuntimeError(f"{question!r} is not answered from a guide; the publish bench needs one that is")
    return str(sources[-1]["guide_id"])


def seconds_until(http: httpx.Client, question: str, holds: bool, sentence: str, deadline: float) -> float | None:
    """Seconds until the reply holds the sentence (or, holds False, no longer does); None past the deadline."""
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        if (sentence in reply_text(ask(http, question))) == holds:
            return time.monotonic() - started
        time.sleep(POLL_SECONDS)
    return None


def publish_and_wait(store: SqlContentStore, http: httpx.Client, guide_id: str, question: str) -> float | None:
    """One edit: saved and published with a new sentence, timed until answered with it, then undone."""
    record = store.record(guide_id)
    if record is None or record.published_version is None:
        raise RuntimeError(f"guide {guide_id} is not published in the content database")
    published = store.version(guide_id, record.published_version)
    assert published is not None
    sentence = marker()
    started = time.monotonic()
    saved = store.save(
        with_sentence(published.source, sentence), ACTOR, record.latest_version, "måling", True, guide_id
    )
    try:
        waited = seconds_until(http, question, True, sentence, DEADLINE_SECONDS)
        return None if waited is None else time.monotonic() - started
    finally:
        store.save(published.source, ACTOR, saved.number, "måling rullet tilbage", True, guide_id)
        seconds_until(http, question, False, sentence, DEADLINE_SECONDS)


def measure_publish_to_live(base: Settings, model: Path, var_dir: Path, edits: int = EDITS) -> PublishToLive:
    """Start a stack with a content database of its own and time ``edits`` publishes to the citizen's answer."""
    settings = bench_settings(base, var_dir)
    copy_published_index(base.index_dir, settings.index_dir)
    publish_content(settings)
    engine = make_engine(settings.gateway_database_url)
    try:
        with run_ours(settings, model) as stack, httpx.Client(base_url=stack.url, timeout=60) as http:
            store = SqlContentStore(engine)
            guide_id = answering_guide(http, QUESTION)
            seconds = []
            for _ in range(edits):
                seconds.append(publish_and_wait(store, http, guide_id, QUESTION))
                logger.info("bench.publish.edit", extra={"guide_id": guide_id, "seconds": seconds[-1]})
    except (httpx.HTTPError, RuntimeError) as exc:
        logger.warning("bench.publish.failed", extra={"error": str(exc)})
        return PublishToLive(QUESTION, "", [], note=f"not measured: {type(exc).__name__}: {exc}")
    finally:
        engine.dispose()
    return PublishToLive(QUESTION, guide_id, seconds)

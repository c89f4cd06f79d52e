"""`python -m bot.review --bench`: how long the weekly report takes over many turns.

Seeds synthetic turns (100,000 by default) for one municipality over the report's nine weeks
into a temporary SQLite database (with the indexes of migration 0002), then times each stage:
loading, the figures for every topic, the model's first load, the question groups (embedding
and clustering), the plots, the whole report again as a page reload does (question vectors
kept), and the HTML and CSV files.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Index, insert

from bot.analytics.groups import question_groups
from bot.analytics.metrics import WEEKS_BEFORE, messages_by_hour, select, trends_by_topic
from bot.analytics.plots import handover_plot, hour_plot, trend_plot
from bot.analytics.report import build_report, schedules
from bot.analytics.rows import is_fallback, load_turns
from bot.analytics.tables import metadata, turns_table
from bot.analytics.vectors import CachedEmbedder
from bot.analytics.weeks import iso_week, last_complete_week, week_bounds, weeks_until
from bot.review import write_report
from core.settings import Settings
from core.topics import TOPICS
from kb.content.engine import make_engine
from kb.embedder import Embedder
from kb.hours import COPENHAGEN
from kb.municipalities import load_hotline, load_municipalities

SEED = 15
_SUBJECTS = (
    "kørekort",
    "sundhedskort",
    "parkeringstilladelse",
    "storskrald",
    "navneændring",
    "boligstøtte",
    "forskudsopgørelse",
    "hundeafgift",
    "byggetilladelse",
    "folkepension",
    "børnecheck",
    "skoleindskrivning",
    "daginstitution",
    "fritidspas",
    "handicapparkering",
    "ejendomsskat",
    "vielse",
    "dåbsattest",
    "fiskekort",
    "jagttegn",
    "våbentilladelse",
    "sygedagpenge",
    "barselsorlov",
    "kontanthjælp",
    "flexjob",
    "hjemmehjælp",
    "madordning",
    "plejebolig",
    "genbrugsplads",
    "haveaffald",
    "vandregning",
    "fjernvarme",
    "vejarbejde",
    "snerydning",
    "gadelys",
    "legeplads",
    "svømmehal",
    "bibliotekskort",
    "valgkort",
    "brevstemme",
)
_FORMS = (
    "Hvordan søger jeg om {}?",
    "Hvad koster {}?",
    "Hvor lang tid tager {}?",
    "Kan I hjælpe med {}?",
    "{} hvordan",
    "Jeg har et spørgsmål om {}",
    "Hvem skal jeg kontakte om {}?",
    "Hvornår kan jeg få {}?",
    "Hvad skal jeg bruge til {}?",
    "Er der ventetid på {}?",
)
# Outcomes with their weights, and the reasons an escalation or clarification gives.
_OUTCOMES = (
    ("answer", 58),
    ("clarification", 12),
    ("escalation", 10),
    ("feedback", 8),
    ("hours", 5),
    ("other_language", 2),
    ("degraded", 1),
    ("other", 4),
)
_ESCALATIONS = ("request_human", "out_of_scope", "no_answer", "no_answer", "not_helpful")
_CLARIFICATIONS = ("low_confidence", "no_match", "nlu_fallback")
_LANGUAGES = ("en", "de", "pl", "uk", "ar")


def _row(rng: random.Random, slug: str, conversation: str, index: int, at: datetime) -> dict[str, Any]:
    outcome = rng.choices([o for o, _ in _OUTCOMES], [w for _, w in _OUTCOMES])[0]
    question = rng.choice(_FORMS).format(rng.choice(_SUBJECTS))
    local = at.astimezone(COPENHAGEN)
    reason = None
    if outcome == "escalation":
        reason = rng.choice(_ESCALATIONS)
    elif outcome == "clarification":
        reason = rng.choice(_CLARIFICATIONS)
    answered = outcome == "answer"
    return {
        "event_key": f"{conversation}:{index}",
        "conversation_id": conversation,
        "municipality": slug,
        "turn_index": index,
        "at": at,
        "local_date": local.date(),
        "iso_week": iso_week(at),
        "local_hour": local.hour,
        "weekday": local.weekday(),
        "topic": rng.choice((*TOPICS, None)),
        "outcome": outcome,
        "reason": reason,
        "guide_id": "pas-pris" if answered else None,
        "passage": None,
        "confidence": round(rng.random(), 3),
        "intent": None,
        "feedback": rng.choice(("ja", "nej", None, None)) if answered else None,
        "language": rng.choice(_LANGUAGES) if outcome == "other_language" else None,
        "question": question,
        "replies": ["Et svar fra botten."],
        "source": "gateway" if outcome in ("other_language", "degraded") else "rasa",
    }


def seed(engine: Engine, slug: str, week: str, turns: int, rng: random.Random) -> None:
    """``turns`` synthetic turns of ``slug`` spread over the nine weeks up to ``week``, daytime-heavy."""
    start, _ = week_bounds(weeks_until(week, WEEKS_BEFORE)[0])
    _, end = week_bounds(week)
    span = (end - start).total_seconds()
    rows: list[dict[str, Any]] = []
    number = 0
    while len(rows) < turns:
        number += 1
        begun = start + timedelta(seconds=rng.random() * span)
        if rng.random() < 0.7:  # most citizens write in the daytime (the same Copenhagen day: still in range)
            begun = begun.astimezone(COPENHAGEN).replace(hour=rng.randint(6, 17)).astimezone(UTC)
        for index in range(min(rng.randint(1, 5), turns - len(rows))):
            at = min(begun + timedelta(minutes=index), end - timedelta(seconds=1))
            rows.append(_row(rng, slug, f"bench-{number:07d}", index, at))
    with engine.begin() as conn:
        for offset in range(0, len(rows), 5_000):
            conn.execute(insert(turns_table), rows[offset : offset + 5_000])


def _indexes(engine: Engine) -> None:
    """The indexes migration 0002 makes (the bench's database is made from the table definitions)."""
    Index("ix_analytics_turns_conversation_id", turns_table.c.conversation_id).create(engine)
    Index("ix_analytics_turns_week", turns_table.c.municipality, turns_table.c.iso_week).create(engine)
    Index("ix_analytics_turns_at", turns_table.c.at).create(engine)


def run_bench(turns: int, settings: Settings, embedder: Embedder | None, week: str | None = None) -> str:
    """Seed, time every stage of the report, and return the timings as one JSON line."""
    week = week or last_complete_week(datetime.now(UTC))
    municipality = next(iter(load_municipalities(settings.kb_dir).values()))
    hotline = load_hotline(settings.kb_dir)
    places = schedules(municipality, hotline)
    seconds: dict[str, float] = {}

    def timed(stage: str, started: float) -> None:
        seconds[stage] = round(time.perf_counter() - started, 3)

    with tempfile.TemporaryDirectory(prefix="borgerbot-review-bench-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            metadata.create_all(engine)
            _indexes(engine)
            started = time.perf_counter()
            seed(engine, municipality.slug, week, turns, random.Random(SEED))  # noqa: S311 (synthetic data, not secrets)
            timed("seed", started)
            started = time.perf_counter()
            loaded = load_turns(engine, municipality.slug, weeks_until(week, WEEKS_BEFORE))
            timed("load", started)
            started = time.perf_counter()
            trends = trends_by_topic(loaded, week, places)
            timed("figures", started)
            groups = []
            cached = CachedEmbedder(embedder) if embedder is not None else None
            if embedder is not None and cached is not None:
                started = time.perf_counter()
                embedder.embed_queries(["opvarmning"])  # the model loads on first use
                timed("model_load", started)
                started = time.perf_counter()
                groups = question_groups(engine, municipality.slug, week, loaded, cached)
                timed("groups", started)
            started = time.perf_counter()
            shown = select(loaded, week)
            trend_plot(trends[None]), handover_plot(trends[None][-1])
            hour_plot(week, messages_by_hour(shown), messages_by_hour(shown, is_fallback))
            timed("plots", started)
            started = time.perf_counter()
            # As the page's reload: the question vectors are kept (bot.analytics.vectors.CachedEmbedder).
            report = build_report(engine, municipality, hotline, week, cached)
            timed("report_total_warm", started)
            started = time.perf_counter()
            write_report(report, Path(folder) / "out")
            timed("files", started)
        finally:
            engine.dispose()
    summary = {
        "turns": len(loaded),
        "week": week,
        "question_groups": len(groups),
        "unanswered_this_week": sum(g.this_week for g in groups),
        "groups_model": embedder.model_id if embedder is not None else None,
        "seconds": seconds,
    }
    return json.dumps(summary, ensure_ascii=False)

"""Unanswered questions grouped (with the fake embedder: same words, same place), named, counted
against last week, and their state kept from week to week in analytics_question_groups."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, select

from bot.analytics import clustering
from bot.analytics.clustering import Cluster, cluster_questions, unanswered_counts
from bot.analytics.groups import (
    GroupNotFoundError,
    GroupStateError,
    StoredGroup,
    get_group,
    match_groups,
    question_groups,
    set_state,
)
from bot.analytics.rows import TurnRow
from kb.content.tables import audit_table
from tests.fakes import FakeEmbedder
from tests.unit.bot.analytics.turn_rows import CPH, migrated_engine, turn

THIS, LAST = datetime(2026, 11, 24, 12, tzinfo=CPH), datetime(2026, 11, 17, 12, tzinfo=CPH)  # W48, W47
KOREKORT = "Hvordan fornyer jeg mit kørekort?"
SKRALD = "Hvornår bliver mit storskrald hentet?"
NAVN = "Jeg vil gerne ændre mit efternavn"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = migrated_engine(tmp_path)
    yield engine
    engine.dispose()


def missed(
    question: str, at: datetime = THIS, conversation: str = "c", outcome: str = "clarification", **f: str
) -> TurnRow:
    return turn(conversation, 0, at, outcome, question=question, **f)


def test_only_questions_the_bot_could_not_answer_count() -> None:
    turns = [
        missed(KOREKORT),
        missed(KOREKORT, outcome="escalation", reason="no_answer"),
        missed(KOREKORT, outcome="escalation", reason="second_miss"),
        missed(" Hvordan  fornyer jeg mit kørekort? "),  # the same question, spaced differently
        missed("Kan jeg tale med en medarbejder", outcome="escalation", reason="request_human"),
        missed("Hvad koster hundeafgift", outcome="escalation", reason="out_of_scope"),
        missed("Nej", outcome="escalation", reason="not_helpful"),
        missed('/ask_pas{"guide_id": "pas-pris"}'),  # a button's payload: the bot's words
        missed("   "),
        missed("Hvad koster et pas?", outcome="answer"),
    ]
    assert unanswered_counts(turns) == Counter({KOREKORT: 4})


def test_no_questions_no_groups(engine: Engine) -> None:
    assert cluster_questions(Counter(), Counter(), FakeEmbedder()) == []
    assert question_groups(engine, "kalundborg", "2026-W48", [], FakeEmbedder()) == []


def test_one_question_is_one_group(engine: Engine) -> None:
    (group,) = question_groups(engine, "kalundborg", "2026-W48", [missed(KOREKORT)], FakeEmbedder())
    assert (group.label, group.this_week, group.last_week, group.state, group.first_week) == (
        KOREKORT,
        1,
        0,
        "new",
        "2026-W48",
    )
    assert group.questions == ((KOREKORT, 1),)


def test_many_questions_biggest_group_first_with_last_week(engine: Engine) -> None:
    turns = [
        *[missed(SKRALD) for _ in range(3)],
        missed("Hvornår bliver mit storskrald hentet"),
        *[missed(KOREKORT) for _ in range(2)],
        missed(NAVN),
        *[missed(KOREKORT, at=LAST) for _ in range(5)],
        missed(SKRALD, at=LAST),
        missed("Et spørgsmål kun fra sidste uge om hundeafgift", at=LAST),
    ]
    found = question_groups(engine, "kalundborg", "2026-W48", turns, FakeEmbedder())
    assert [(g.label, g.this_week, g.last_week, g.change) for g in found] == [
        (SKRALD, 4, 1, 3),
        (KOREKORT, 2, 5, -3),
        (NAVN, 1, 0, 1),
    ]  # last week's hundeafgift group has nothing this week: not shown
    assert found[0].questions == ((SKRALD, 3), ("Hvornår bliver mit storskrald hentet", 1))
    assert found[0].guide_questions == [SKRALD, "Hvornår bliver mit storskrald hentet"]


def test_the_label_is_the_most_central_question() -> None:
    # Two variants close to each other and to a third; the count-weighted centre wins.
    this_week = Counter({"storskrald hentet": 1, "storskrald hentes hvornår": 1, "hvornår hentes storskrald": 3})
    clusters = cluster_questions(this_week, Counter(), FakeEmbedder(), threshold=0.9)
    assert len(clusters) == 1 and clusters[0].label == "hvornår hentes storskrald"
    assert abs(float(np.linalg.norm(clusters[0].centroid)) - 1.0) < 1e-5


def test_the_rarest_questions_past_the_limit_join_the_nearest_group(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clustering, "MAX_CLUSTERED", 2)
    this_week = Counter({KOREKORT: 5, SKRALD: 4, "Hvordan fornyer jeg mit kørekort": 1, NAVN: 1})
    clusters = cluster_questions(this_week, Counter(), FakeEmbedder())
    assert sorted(sorted(c.this_week) for c in clusters) == sorted(
        [sorted([KOREKORT, "Hvordan fornyer jeg mit kørekort"]), [SKRALD], [NAVN]]
    )


def test_a_groups_state_is_kept_from_week_to_week(engine: Engine) -> None:
    embedder = FakeEmbedder()
    (first,) = question_groups(engine, "kalundborg", "2026-W47", [missed(KOREKORT, at=LAST)], embedder)
    set_state(engine, first.id, "writing", None, "leder")
    again = question_groups(engine, "kalundborg", "2026-W47", [missed(KOREKORT, at=LAST)], embedder)
    assert [(g.id, g.state) for g in again] == [(first.id, "writing")]  # shown again: the same group
    turns = [missed(KOREKORT, at=LAST), missed("Hvordan fornyer jeg mit kørekort"), missed(SKRALD)]
    next_week = {g.label: g for g in question_groups(engine, "kalundborg", "2026-W48", turns, embedder)}
    assert next_week[KOREKORT].id == first.id and next_week[KOREKORT].state == "writing"
    assert next_week[KOREKORT].first_week == "2026-W47" and next_week[KOREKORT].last_week == 1
    assert next_week[SKRALD].state == "new" and next_week[SKRALD].first_week == "2026-W48"


def test_each_municipality_has_its_own_groups(engine: Engine) -> None:
    embedder = FakeEmbedder()
    (own,) = question_groups(engine, "kalundborg", "2026-W48", [missed(KOREKORT)], embedder)
    set_state(engine, own.id, "ignored", None, "leder")
    other_turn = missed(KOREKORT, municipality="hoeje-taastrup")
    (other,) = question_groups(engine, "hoeje-taastrup", "2026-W48", [other_turn], embedder)
    assert other.id != own.id and other.state == "new"


def _stored(group_id: int, vector: list[float]) -> StoredGroup:
    unit = np.asarray(vector, dtype=np.float32) / np.linalg.norm(vector)
    return StoredGroup(group_id, "k", f"g{group_id}", unit, "new", None, "2026-W01", THIS, "system")


def test_matching_takes_the_most_alike_pairs_first_and_each_once() -> None:
    clusters = [
        Cluster("a", _stored(0, [1, 0.2, 0]).centroid, Counter(), Counter()),
        Cluster("b", _stored(0, [1, 0.1, 0]).centroid, Counter(), Counter()),
        Cluster("c", _stored(0, [0, 0, 1]).centroid, Counter(), Counter()),
    ]
    stored = [_stored(7, [1, 0.1, 0]), _stored(8, [0, 1, 0]), _stored(9, [5, 1, 5])]
    matched = match_groups(clusters, stored)
    assert {index: group.id for index, group in matched.items()} == {1: 7}  # "a" is alike too, but "b" more
    assert match_groups([], stored) == {}
    other_model = [StoredGroup(3, "k", "x", np.ones(5, dtype=np.float32) / 5**0.5, "new", None, "w", THIS, "s")]
    assert match_groups(clusters, other_model) == {}


def test_set_state_is_audited_and_checked(engine: Engine) -> None:
    (group,) = question_groups(engine, "kalundborg", "2026-W48", [missed(KOREKORT)], FakeEmbedder())
    resolved = set_state(engine, group.id, "resolved", " pas-pris ", "redaktoer")
    assert (resolved.state, resolved.guide_id, resolved.updated_by) == ("resolved", "pas-pris", "redaktoer")
    stored = get_group(engine, group.id)
    assert stored is not None and (stored.state, stored.guide_id) == ("resolved", "pas-pris")
    assert set_state(engine, group.id, "new", "pas-pris", "leder").guide_id is None  # only a resolved group has one
    with pytest.raises(GroupStateError, match="vejledning"):
        set_state(engine, group.id, "resolved", "  ", "leder")
    with pytest.raises(GroupStateError, match="status"):
        set_state(engine, group.id, "done", None, "leder")
    with pytest.raises(GroupNotFoundError):
        set_state(engine, 999, "new", None, "leder")
    with engine.connect() as conn:
        rows = conn.execute(select(audit_table).where(audit_table.c.action == "analytics.group_state")).mappings().all()
    assert [(r["actor"], r["target"], r["municipality"], r["details"]["state"]) for r in rows] == [
        ("redaktoer", f"group:{group.id}", "kalundborg", "resolved"),
        ("leder", f"group:{group.id}", "kalundborg", "new"),
    ]
    assert KOREKORT not in str([dict(r) for r in rows])  # the citizen's question stays out of the log

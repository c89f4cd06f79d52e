"""The questions the bot could not answer, grouped: what a manager turns into new guides.

A week's unanswered questions (bot.analytics.rows.is_unanswered: a clarification, or a hand-over
for lack of an answer; never a request for a human or another matter) and the week before's are
clustered together (bot.analytics.clustering). Each group is recognised in
``analytics_question_groups`` by its centroid (``MATCH_SIMILARITY``), so its state (new, writing,
resolved by a guide, ignored) is kept from week to week.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.analytics.clustering import Cluster, cluster_questions, unanswered_counts
from bot.analytics.rows import TurnRow
from bot.analytics.tables import groups_table
from bot.analytics.vectors import Vectors
from bot.analytics.weeks import shift_week
from kb.content.audit import record
from kb.embedder import Embedder

logger = logging.getLogger(__name__)

# A group this week is a stored group when their centroids are at least this alike (cosine). The
# same questions split over two weeks come out at 0.936 or more on the paraphrase set; different
# questions mostly under 0.93.
MATCH_SIMILARITY = 0.93
# The questions a new guide is started with ("Skriv en vejledning for denne gruppe").
MAX_GUIDE_QUESTIONS = 20

GROUP_STATES: dict[str, str] = {
    "new": "Ny",
    "writing": "Vejledning på vej",
    "resolved": "Løst af en vejledning",
    "ignored": "Ignoreret",
}
GROUP_STATE_ACTION = "analytics.group_state"
_SYSTEM = "system"


class GroupStateError(ValueError):
    """A state change that cannot be made; the message is Danish, for the staff page."""


class GroupNotFoundError(LookupError):
    """No stored group has this id."""


@dataclass(frozen=True)
class StoredGroup:
    """A row of analytics_question_groups."""

    id: int
    municipality: str
    label: str
    centroid: Vectors
    state: str
    guide_id: str | None
    first_week: str
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class QuestionGroup:
    """One group on the report: named, counted this week and last, with its kept state."""

    id: int
    label: str
    questions: tuple[tuple[str, int], ...]  # this week's distinct questions, most asked first
    this_week: int
    last_week: int
    state: str
    guide_id: str | None
    first_week: str

    @property
    def change(self) -> int:
        return self.this_week - self.last_week

    @property
    def guide_questions(self) -> list[str]:
        """The questions a guide written for this group starts with."""
        return [question for question, _ in self.questions[:MAX_GUIDE_QUESTIONS]]


def _stored(mapping: dict[str, object]) -> StoredGroup:
    return StoredGroup(
        id=int(mapping["id"]),  # type: ignore[call-overload]
        municipality=str(mapping["municipality"]),
        label=str(mapping["label"]),
        centroid=np.asarray(mapping["centroid"], dtype=np.float32),
        state=str(mapping["state"]),
        guide_id=None if mapping["guide_id"] is None else str(mapping["guide_id"]),
        first_week=str(mapping["first_week"]),
        updated_at=mapping["updated_at"],  # type: ignore[arg-type]
        updated_by=str(mapping["updated_by"]),
    )


def stored_groups(conn: Connection, municipality: str) -> list[StoredGroup]:
    query = select(groups_table).where(groups_table.c.municipality == municipality).order_by(groups_table.c.id)
    return [_stored(dict(mapping)) for mapping in conn.execute(query).mappings()]


def get_group(engine: Engine, group_id: int) -> StoredGroup | None:
    with engine.connect() as conn:
        mapping = conn.execute(select(groups_table).where(groups_table.c.id == group_id)).mappings().first()
    return _stored(dict(mapping)) if mapping else None


def match_groups(clusters: Sequence[Cluster], stored: Sequence[StoredGroup]) -> dict[int, StoredGroup]:
    """Cluster index -> the stored group it is: the most alike pairs first, each used once."""
    if not clusters:
        return {}
    # A group stored with another model's vectors (another dimension) cannot be compared.
    candidates = [group for group in stored if group.centroid.shape == clusters[0].centroid.shape]
    if not candidates:
        return {}
    similarity = np.stack([c.centroid for c in clusters]) @ np.stack([g.centroid for g in candidates]).T
    pairs = sorted(np.argwhere(similarity >= MATCH_SIMILARITY).tolist(), key=lambda p: -similarity[p[0], p[1]])
    matched: dict[int, StoredGroup] = {}
    used: set[int] = set()
    for cluster, group in pairs:
        if cluster not in matched and group not in used:
            matched[cluster] = candidates[group]
            used.add(group)
    return matched


def _persist(conn: Connection, municipality: str, week: str, clusters: Sequence[Cluster]) -> list[StoredGroup]:
    """The stored group of every cluster; a cluster seen for the first time is stored as new."""
    stored = stored_groups(conn, municipality)
    matched = match_groups(clusters, stored)
    by_label = {group.label: group for group in stored}
    taken = {group.id for group in matched.values()}
    result = []
    for index, cluster in enumerate(clusters):
        group = matched.get(index)
        if group is None and cluster.label in by_label and by_label[cluster.label].id not in taken:
            group = by_label[cluster.label]  # the same question names it: the same group
        if group is None:
            label = cluster.label if cluster.label not in by_label else f"{cluster.label} ({week})"
            now = datetime.now(UTC)
            inserted = conn.execute(
                insert(groups_table).values(
                    municipality=municipality,
                    label=label[:300],
                    centroid=[round(float(x), 6) for x in cluster.centroid],
                    state="new",
                    guide_id=None,
                    first_week=week,
                    updated_at=now,
                    updated_by=_SYSTEM,
                )
            )
            key = inserted.inserted_primary_key
            assert key is not None
            group = StoredGroup(int(key[0]), municipality, label, cluster.centroid, "new", None, week, now, _SYSTEM)
            by_label[label] = group
        taken.add(group.id)
        result.append(group)
    return result


def question_groups(
    engine: Engine, municipality: str, week: str, turns: Sequence[TurnRow], embedder: Embedder
) -> list[QuestionGroup]:
    """The week's groups of unanswered questions, biggest first, with last week's counts and kept state.

    ``turns`` must hold the municipality's turns of this week and the week before (more is ignored).
    """
    previous = shift_week(week, -1)
    this_week = unanswered_counts([turn for turn in turns if turn.week == week])
    last_week = unanswered_counts([turn for turn in turns if turn.week == previous])
    clusters = [c for c in cluster_questions(this_week, last_week, embedder) if c.this_week]
    if not clusters:
        return []
    for attempt in (1, 2):
        try:
            with engine.begin() as conn:
                stored = _persist(conn, municipality, week, clusters)
            break
        except IntegrityError:
            # Another request stored the same new group a moment ago: match again against it.
            if attempt == 2:
                raise
    groups = [
        QuestionGroup(
            id=group.id,
            label=cluster.label,
            questions=tuple(sorted(cluster.this_week.items(), key=lambda item: (-item[1], item[0]))),
            this_week=sum(cluster.this_week.values()),
            last_week=sum(cluster.last_week.values()),
            state=group.state,
            guide_id=group.guide_id,
            first_week=group.first_week,
        )
        for cluster, group in zip(clusters, stored, strict=True)
    ]
    logger.info("analytics.groups", extra={"municipality": municipality, "week": week, "groups": len(groups)})
    return sorted(groups, key=lambda g: (-g.this_week, -g.last_week, g.label))


def set_state(engine: Engine, group_id: int, state: str, guide_id: str | None, actor: str) -> StoredGroup:
    """Change a group's state (a resolved group names its guide), with its audit row, in one transaction."""
    if state not in GROUP_STATES:
        raise GroupStateError("Vælg en af de viste statusser.")
    guide = (guide_id or "").strip() or None
    if state == "resolved" and guide is None:
        raise GroupStateError("Skriv id'et på den vejledning, der løser gruppen.")
    if state != "resolved":
        guide = None
    with engine.begin() as conn:
        mapping = conn.execute(select(groups_table).where(groups_table.c.id == group_id)).mappings().first()
        if mapping is None:
            raise GroupNotFoundError(group_id)
        before = _stored(dict(mapping))
        now = datetime.now(UTC)
        conn.execute(
            update(groups_table)
            .where(groups_table.c.id == group_id)
            .values(state=state, guide_id=guide, updated_at=now, updated_by=actor)
        )
        # The label is a citizen's (masked) question: the audit row names the group by id only.
        record(
            conn,
            actor,
            GROUP_STATE_ACTION,
            f"group:{group_id}",
            municipality=before.municipality,
            details={"state": state, "guide_id": guide, "previous_state": before.state},
        )
    logger.info("analytics.group_state", extra={"group": group_id, "state": state, "actor": actor})
    return StoredGroup(
        before.id, before.municipality, before.label, before.centroid, state, guide, before.first_week, now, actor
    )

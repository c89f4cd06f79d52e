"""A conversation's Rasa events, in order, as rows of ``analytics_turns`` (docs/review.md). Pure.

A ``user`` event opens a turn; ``bot`` events add the replies; the ``outcome`` slot events of
actions/outcomes.py say what the bot did (the last one is the turn's outcome: "Nej" a second
time records feedback, then the hand-over); the ``action_listen`` after them ends the turn. A
turn without an outcome (a greeting) is ``other``. A turn the bot said nothing in is written by
the gateway (it answered with its degraded 503), so it is not written twice; nor is one Rasa
answered late, after the gateway gave up on it: it carries the gateway's ``message_id`` (from the
user event's metadata), and the degraded row with that id wins (bot.analytics.writer). A "Ja"/"Nej" is a
turn of its own and also sets ``feedback`` on the conversation's last answer, which may be a row
written in an earlier batch: hence `FeedbackUpdate`.

Events come a batch at a time; what a conversation is in the middle of is its
`ConversationState`, kept as JSON in ``analytics_pending`` between batches. An event seen
before (a broker's redelivery) is skipped, and ``event_key`` (sender id and the user event's
timestamp) is the same however often a turn is built.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String

from bot.analytics.tables import turns_table
from bot.analytics.weeks import iso_week
from core.topics import INTENT_TOPICS, TOPICS, topic_of_guide_id
from kb.hours import COPENHAGEN

# The outcome of a turn no action recorded one for (a greeting, thanks).
OTHER = "other"
HOURS_TOPIC = "aabningstider"
FEEDBACK: dict[Any, str] = {True: "ja", False: "nej"}
# How many of a conversation's latest events are remembered to recognise a redelivery; a broker
# redelivers at most the batch it had not been told was committed, far fewer than this.
RECENT_EVENTS = 256


def event_key(sender_id: str, timestamp: float) -> str:
    """A turn's identity: its conversation and the moment its user event was made (stable across redelivery)."""
    return f"{sender_id}:{timestamp!r}"


def time_columns(at: datetime) -> dict[str, Any]:
    """``at`` in UTC and the Copenhagen date, ISO week, hour and weekday the review groups by."""
    local = at.astimezone(COPENHAGEN)
    return {
        "at": at.astimezone(UTC),
        "local_date": local.date(),
        "iso_week": iso_week(at),
        "local_hour": local.hour,
        "weekday": local.weekday(),
    }


def clip(column: str, value: str | None) -> str | None:
    """A text cut to its column's length (PostgreSQL refuses a longer one; SQLite would keep it)."""
    kind = turns_table.c[column].type
    if value is None or not isinstance(kind, String) or kind.length is None:
        return value
    return value[: kind.length]


@dataclass
class OpenTurn:
    """A citizen message whose turn has not ended yet."""

    event_key: str
    timestamp: float
    municipality: str
    question: str
    intent: str | None
    replies: list[str] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def said(self) -> bool:
        """Whether the bot answered anything in this turn (else the gateway's 503 stood for it)."""
        return bool(self.outcomes or self.replies)

    def collect(self, kind: Any, event: Mapping[str, Any]) -> None:
        """Keep what the turn's event says: a bot reply, or an outcome the actions recorded."""
        if kind == "bot" and event.get("text"):
            self.replies.append(str(event["text"]))
        elif kind == "slot" and event.get("name") == "outcome" and isinstance(event.get("value"), dict):
            self.outcomes.append(dict(event["value"]))

    message_id: str | None = None  # the gateway's id of the message (metadata), if it sent one


@dataclass
class ConversationState:
    """What the next batch needs to know about a conversation (JSON in ``analytics_pending``)."""

    next_index: int = 0
    last_answer_key: str | None = None  # the turn a "Ja"/"Nej" judges
    last_topic: str | None = None  # the ``last_topic`` slot: a follow-up's or hand-over's topic
    open_turn: OpenTurn | None = None
    recent: list[str] = field(default_factory=list)  # fingerprints of the latest events
    # The newest citizen message's time: an event older than it arrived late (see TurnBuilder).
    latest: float = 0.0
    # An earlier turn whose events may still come late: one that ended with nothing said yet.
    late_turn: OpenTurn | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ConversationState:
        values = dict(data)
        opened, late = values.pop("open_turn", None), values.pop("late_turn", None)
        return cls(
            **values, open_turn=OpenTurn(**opened) if opened else None, late_turn=OpenTurn(**late) if late else None
        )


@dataclass(frozen=True)
class FeedbackUpdate:
    """ "Ja"/"Nej" for the answer turn ``event_key`` (written now or in an earlier batch)."""

    event_key: str
    feedback: str


def _fingerprint(event: Mapping[str, Any]) -> str:
    encoded = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.blake2b(encoded.encode(), digest_size=8).hexdigest()


def _topic(kinds: list[str], merged: Mapping[str, Any], intent: str | None, before: str | None) -> str | None:
    """The turn's topic: the one recorded, else opening hours, NLU's topic, the guide's, the conversation's."""
    if merged.get("topic"):
        return str(merged["topic"])
    if "hours" in kinds:
        return HOURS_TOPIC
    if intent in INTENT_TOPICS:
        return INTENT_TOPICS[intent]
    guide_topic = topic_of_guide_id(str(merged["guide_id"])) if merged.get("guide_id") else None
    return guide_topic if guide_topic in TOPICS else before


class TurnBuilder:
    """One conversation's turns, built from its events on top of its state before them."""

    def __init__(self, conversation_id: str, state: ConversationState | None, default_municipality: str) -> None:
        self.conversation_id = conversation_id
        self.default_municipality = default_municipality
        self.state = ConversationState.from_json(state.to_json()) if state else ConversationState()
        self.rows: list[dict[str, Any]] = []
        self.feedback: list[FeedbackUpdate] = []
        self.skipped = 0  # events seen before

    def feed(self, events: Iterable[Mapping[str, Any]]) -> TurnBuilder:
        for event in events:
            self._apply(event)
        return self

    def flush(self) -> TurnBuilder:
        """End the open turn now (its outcome ``other`` if none came): its ``action_listen`` never will."""
        self._close()
        late, self.state.late_turn = self.state.late_turn, None
        if late is not None and late.said:
            self._emit(late)
        return self

    def _seen(self, event: Mapping[str, Any]) -> bool:
        digest = _fingerprint(event)
        if digest in self.state.recent:
            return True
        self.state.recent = [*self.state.recent, digest][-RECENT_EVENTS:]
        return False

    def _apply(self, event: Mapping[str, Any]) -> None:
        if self._seen(event):
            self.skipped += 1
            return
        kind = event.get("event")
        timestamp = event.get("timestamp")
        if isinstance(timestamp, int | float) and timestamp < self.state.latest:
            self._apply_late(kind, event, float(timestamp))
            return
        opened = self.state.open_turn
        if kind == "user":
            self._close()
            self._open(event)
        elif kind == "slot" and event.get("name") == "last_topic":
            value = event.get("value")
            self.state.last_topic = str(value) if value else None
        elif opened is None:
            return
        elif kind == "action" and event.get("name") == "action_listen":
            self._close()
        else:
            opened.collect(kind, event)

    def _apply_late(self, kind: Any, event: Mapping[str, Any], timestamp: float) -> None:
        """An event older than the newest citizen message: the broker delivered it late (RabbitMQ
        restarted and Rasa resent what it could not publish), so it belongs to an earlier turn."""
        late = self.state.late_turn
        if kind == "user":
            if late is not None and late.said:
                self._emit(late)
            self.state.late_turn = self._turn(event)
        elif late is None or timestamp < late.timestamp:
            return
        elif kind == "action" and event.get("name") == "action_listen":
            self.state.late_turn = None
            if late.said:
                self._emit(late)
        else:
            late.collect(kind, event)

    def _turn(self, event: Mapping[str, Any]) -> OpenTurn:
        parse = event.get("parse_data") or {}
        metadata = event.get("metadata") or {}
        timestamp = float(event["timestamp"])
        return OpenTurn(
            event_key=event_key(self.conversation_id, timestamp),
            timestamp=timestamp,
            municipality=str(metadata.get("municipality") or self.default_municipality),
            question=str(event.get("text") or ""),
            intent=(parse.get("intent") or {}).get("name"),
            message_id=clip("message_id", str(metadata["message_id"])) if metadata.get("message_id") else None,
        )

    def _open(self, event: Mapping[str, Any]) -> None:
        self.state.open_turn = self._turn(event)
        self.state.latest = max(self.state.latest, self.state.open_turn.timestamp)

    def _close(self) -> None:
        turn, self.state.open_turn = self.state.open_turn, None
        if turn is None:
            return
        if not turn.said:
            # Nothing said yet: the gateway answered with its 503 and wrote that turn itself, or the
            # turn's events come late (after a broker restart); kept for those until a later one.
            self.state.late_turn = turn
            return
        self._emit(turn)

    def _emit(self, turn: OpenTurn) -> None:
        """The finished turn as its analytics row (and the feedback it gives an earlier answer)."""
        state = self.state
        last = turn.outcomes[-1] if turn.outcomes else {"kind": OTHER}
        merged: dict[str, Any] = {}
        for recorded in turn.outcomes:
            merged.update({key: value for key, value in recorded.items() if value is not None})
        kind = str(last["kind"])
        reason = last.get("reason")
        if kind == "feedback":
            reason = "comment" if last.get("comment") else FEEDBACK.get(last.get("helpful"))
        confidence = merged.get("confidence")
        kinds = [str(recorded.get("kind")) for recorded in turn.outcomes]
        row = {
            "event_key": turn.event_key,
            "conversation_id": self.conversation_id,
            "municipality": clip("municipality", turn.municipality),
            "turn_index": state.next_index,
            **time_columns(datetime.fromtimestamp(turn.timestamp, UTC)),
            "topic": clip("topic", _topic(kinds, merged, turn.intent, state.last_topic)),
            "outcome": kind,
            "reason": clip("reason", str(reason) if reason is not None else None),
            "guide_id": clip("guide_id", merged.get("guide_id")),
            "passage": clip("passage", merged.get("passage")),
            "confidence": float(confidence) if isinstance(confidence, int | float) else None,
            "intent": clip("intent", turn.intent),
            "feedback": None,
            "language": None,
            "question": turn.question,
            "replies": turn.replies,
            "source": "rasa",
            "message_id": turn.message_id,
        }
        self.rows.append(row)
        state.next_index += 1
        for recorded in turn.outcomes:
            judged = FEEDBACK.get(recorded.get("helpful")) if recorded.get("kind") == "feedback" else None
            if judged and state.last_answer_key:
                self._set_feedback(FeedbackUpdate(state.last_answer_key, judged))
        if kind == "answer":
            state.last_answer_key = turn.event_key

    def _set_feedback(self, update: FeedbackUpdate) -> None:
        self.feedback.append(update)
        for row in self.rows:
            if row["event_key"] == update.event_key:
                row["feedback"] = update.feedback

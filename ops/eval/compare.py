"""The bot and its peers scored the same way on the same single-message dev questions. Pure functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.topics import topic_of_guide_id
from ops.devset import DevCase
from ops.eval.judge import Result, correct
from ops.eval.metrics import ratio
from ops.eval.peers import PeerReply
from ops.facts import holds_fact

HOURS_REPLY = "(opening hours)"  # the bot's reply from the data files, not from a guide


@dataclass(frozen=True)
class Scored:
    question: DevCase
    reply: PeerReply

    @property
    def answered(self) -> bool:
        return self.reply.guide is not None

    @property
    def right(self) -> bool:
        """The right guide; for an in-scope case that names none, the right topic."""
        if self.question.guide is not None:
            return self.reply.guide == self.question.guide
        return (
            self.question.in_scope and self.answered and topic_of_guide_id(str(self.reply.guide)) == self.question.topic
        )

    @property
    def holds_fact(self) -> bool:
        return self.answered and holds_fact(self.reply.reply, self.question.must_contain)

    @property
    def escalated(self) -> bool:
        """Handed over: the bot's own flag; a peer that declines would hand over."""
        return self.reply.escalated if self.reply.escalated is not None else not self.answered

    @property
    def wrong(self) -> bool:
        """Answered with a wrong guide, or answered a question no guide answers."""
        return self.answered and not self.right


@dataclass(frozen=True)
class SystemScores:
    name: str
    in_scope: int
    out_of_scope: int  # those that should be handed over (chit-chat excluded)
    answer_accuracy: float  # in-scope questions answered from the right guide
    fact_accuracy: float  # fact-labelled in-scope questions whose reply holds a fact
    confident_misses: float  # ... answered without any
    by_topic: dict[str, float]
    answered_share: float  # in-scope questions answered at all
    out_of_scope_escalated: float
    wrong_answers: int
    wrong_answer_rate: float  # over every dev question, in scope and out of scope
    scored: list[Scored] = field(default_factory=list, repr=False)

    @property
    def failures(self) -> list[Scored]:
        """In-scope questions not answered right, out-of-scope ones answered or not handed over."""
        return [
            s
            for s in self.scored
            if (s.question.in_scope and not s.right)
            or (not s.question.in_scope and (s.answered or (not s.question.chit_chat and not s.escalated)))
        ]


def _accuracy(group: Sequence[Scored]) -> float:
    return ratio(sum(s.right for s in group), len(group))


def score(name: str, questions: Sequence[DevCase], replies: Sequence[PeerReply]) -> SystemScores:
    """Every comparison figure of one system."""
    scored = [Scored(q, r) for q, r in zip(questions, replies, strict=True)]
    in_scope = [s for s in scored if s.question.in_scope]
    labelled = [s for s in in_scope if s.question.must_contain]
    handover = [s for s in scored if not s.question.in_scope and not s.question.chit_chat]
    topics = sorted({s.question.topic or "?" for s in in_scope})
    wrong = [s for s in scored if s.wrong]
    return SystemScores(
        name=name,
        in_scope=len(in_scope),
        out_of_scope=len(handover),
        answer_accuracy=_accuracy(in_scope),
        fact_accuracy=ratio(sum(s.holds_fact for s in labelled), len(labelled)),
        confident_misses=ratio(sum(s.answered and not s.holds_fact for s in labelled), len(labelled)),
        by_topic={t: _accuracy([s for s in in_scope if s.question.topic == t]) for t in topics},
        answered_share=ratio(sum(s.answered for s in in_scope), len(in_scope)),
        out_of_scope_escalated=ratio(sum(s.escalated for s in handover), len(handover)),
        wrong_answers=len(wrong),
        wrong_answer_rate=ratio(len(wrong), len(scored)),
        scored=scored,
    )


def ours_replies(results: Sequence[Result]) -> dict[str, PeerReply]:
    """The bot's dev-case turns as replies, by case name; an hours reply answers the hours guides."""
    replies = {}
    for result in results:
        if result.conversation.source not in ("in_scope", "out_of_scope") or not result.observed:
            continue
        expect, observed = result.conversation.turns[0].expect, result.observed[0]
        guide: str | None = None
        if observed.kind == "hours":
            guide = expect.guide if expect.kind == "answer" and correct(expect, observed) else HOURS_REPLY
        elif observed.kind == "answer":
            guide = observed.guide or "(answer without a guide)"
        confidence = f" {observed.confidence:.2f}" if observed.confidence is not None else ""
        detail = f"{observed.kind}{confidence}, intent {observed.intent}"
        replies[result.conversation.name] = PeerReply(guide, detail, observed.reply, observed.escalated)
    return replies


def ours_in_order(questions: Sequence[DevCase], replies: Mapping[str, PeerReply]) -> list[PeerReply]:
    """The bot's replies aligned with the questions (a missing turn counts as declined, not handed over)."""
    return [replies.get(q.name, PeerReply(None, "no reply recorded", escalated=False)) for q in questions]

"""Peers: simpler systems built from the same guides, answering the same dev questions as the bot.

Each peer turns a dev question into a ``PeerReply`` (a guide id, or none: it declines and the
citizen would be handed over); ``ops.eval.compare`` scores every system the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ops.eval.cases import Conversation


@dataclass(frozen=True)
class DevQuestion:
    """One single-message dev case, as every system sees it."""

    name: str
    text: str
    municipality: str
    guide: str | None  # None: out of scope, no guide answers it
    topic: str | None
    chit_chat: bool = False  # out of scope, but declining politely is enough (no hand-over needed)


@dataclass(frozen=True)
class PeerReply:
    """What a system did with a dev question: answered from ``guide``, or declined (``guide`` None)."""

    guide: str | None
    detail: str = ""  # what decided it (intent and confidence, score), for the failure list
    reply: str = ""  # the text the citizen would have seen
    escalated: bool | None = None  # handed over to DDH; None: a peer, which hands over when it declines


def dev_questions(cases: Sequence[Conversation]) -> list[DevQuestion]:
    """The in-scope and out-of-scope dev questions among the evaluation cases."""
    questions = []
    for case in cases:
        if case.source not in ("in_scope", "out_of_scope"):
            continue
        expect = case.turns[0].expect
        questions.append(
            DevQuestion(
                name=case.name,
                text=case.turns[0].say,
                municipality=case.municipality,
                guide=expect.guide,
                topic=expect.topic,
                chit_chat=case.source == "out_of_scope" and expect.kind == "decline",
            )
        )
    return questions


def allowed(scope: str, municipality: str) -> bool:
    """A municipality's own guide is only ever shown on its own site (as kb.search filters)."""
    return scope in ("national", municipality)

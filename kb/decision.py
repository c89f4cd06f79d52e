"""The one answer decision: answer this passage, ask once with options, or hand over, and why.

Shaped like Rasa's ``FallbackClassifier``: small, pure, every threshold in one place
(``Thresholds``, fitted by ``make calibrate`` on the dev set's tuning half and stored in
``kb/calibration.json``). NLU's intent is one input, not a gate in front of it: a message
NLU was unsure of, or called another matter, is still answered when a guide clearly answers
it, and a message NLU placed in a topic is still handed over when no guide does.

The rules, in order:

1. No guide found at all: ask once, hand over on the next miss.
2. The question is clearly another matter (scope score below ``scope``), unless it follows
   up an answer: hand over, no clarifying detour.
3. The best guide's calibrated confidence reaches ``answer``: answer with its passage.
4. NLU called it another matter (``out_of_scope``) and no guide reached the bar: hand over.
5. The previous turn was already a clarification: hand over.
6. Otherwise ask once, offering the best guides as options.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal, Protocol, TypeVar

Action = Literal["answer", "clarify", "hand_over"]


class Candidate(Protocol):
    """What the decision needs to know of a search hit (kb.search.SearchHit has it)."""

    @property
    def confidence(self) -> float: ...

    @property
    def in_scope(self) -> float | None: ...


C = TypeVar("C", bound=Candidate)


@dataclass(frozen=True)
class Thresholds:
    answer: float  # lowest calibrated confidence answered from
    scope: float  # below this scope score a question is another matter entirely


@dataclass(frozen=True)
class Decision(Generic[C]):
    action: Action
    reason: str  # confident, no_match, off_topic, out_of_scope, second_miss, low_confidence
    best: C | None = None
    options: Sequence[C] = field(default_factory=tuple)


def decide(
    hits: Sequence[C],
    thresholds: Thresholds,
    *,
    intent: str | None,
    followup: bool = False,
    previous_misses: int = 0,
) -> Decision[C]:
    """What to do with one citizen message, from the ranked hits and NLU's intent (see module doc)."""
    best = hits[0] if hits else None
    if best is None:
        return Decision("hand_over" if previous_misses else "clarify", "no_match")
    if not followup and best.in_scope is not None and best.in_scope < thresholds.scope:
        return Decision("hand_over", "off_topic", best)
    if best.confidence >= thresholds.answer:
        return Decision("answer", "confident", best)
    if intent == "out_of_scope":
        return Decision("hand_over", "out_of_scope", best)
    if previous_misses:
        return Decision("hand_over", "second_miss", best)
    return Decision("clarify", "low_confidence", best, tuple(hits))

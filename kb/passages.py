"""Which passage of a guide answers the question: its short answer, and which of its sections.

A guide is found as a whole; the citizen then reads its short answer followed by the one
section that holds what they asked, under its heading ("Hvordan betaler jeg?" gets the price
answer and "Sådan betaler du"). Each passage is scored by the query's cosine to its
embedding plus a share of the lexical match among the guide's passages; the best section is
added when it scores above the short answer plus ``short_answer_prior``. Both weights are
fitted by ``make calibrate`` on the dev set's tuning half (``kb.calibration.json``): there a
negative prior, so the best section nearly always follows, held the fact most often (the short
answer alone 0.69, the best single passage 0.75, short answer with the best section 0.84).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Before a fit: the best section follows the short answer unless it fits far worse.
DEFAULT_LEXICAL_WEIGHT = 0.02
DEFAULT_SHORT_ANSWER_PRIOR = -1.0


@dataclass(frozen=True)
class PassageWeights:
    lexical: float = DEFAULT_LEXICAL_WEIGHT
    short_answer_prior: float = DEFAULT_SHORT_ANSWER_PRIOR


@dataclass(frozen=True)
class PassageEvidence:
    """What the rankers say about one passage of the chosen guide."""

    dense: float  # cosine of the query (best variant) to the passage
    lexical: float  # BM25 of the query against the passage
    is_short_answer: bool


def passage_scores(evidence: Sequence[PassageEvidence], weights: PassageWeights) -> list[float]:
    """One score per passage; the lexical part is relative to the guide's best lexical match."""
    top_lexical = max((e.lexical for e in evidence), default=0.0)
    return [
        e.dense
        + weights.lexical * (e.lexical / top_lexical if top_lexical > 0 else 0.0)
        + (weights.short_answer_prior if e.is_short_answer else 0.0)
        for e in evidence
    ]


def best_passage(evidence: Sequence[PassageEvidence], weights: PassageWeights) -> int:
    """The section to add to the short answer (its index), or 0 for the short answer alone."""
    if not evidence:
        return 0
    scores = passage_scores(evidence, weights)
    return max(range(len(scores)), key=lambda i: (scores[i], -i))


def passage_reply(short_answer: str, heading: str | None, text: str) -> str:
    """What the citizen reads: the short answer, then the section under its heading (plain text)."""
    return f"{short_answer}\n\n{heading}\n{text}" if heading else short_answer

"""The staff page "Test a question": what the bot would answer, from which guide and passage, and why.

The same search and the same decision (kb.decision) the action server runs, without NLU: every
topic is searched, as the bot does when NLU's topic has no confident guide.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.admin.preview import bubbles
from kb.decision import Decision, Thresholds, decide
from kb.search import GuideSearch, SearchHit

ACTION_LABELS = {
    "answer": "Svarer",
    "clarify": "Spørger borgeren, hvad de mener",
    "hand_over": "Henviser til Den Digitale Hotline",
}
REASON_LABELS = {
    "confident": "en vejledning svarer sikkert nok (over svargrænsen)",
    "no_match": "ingen vejledning passer",
    "off_topic": "spørgsmålet ligger uden for botten emner (under emnegrænsen)",
    "out_of_scope": "spørgsmålet handler om noget andet",
    "second_miss": "anden gang i træk uden sikkert svar",
    "low_confidence": "ingen vejledning er sikker nok (under svargrænsen)",
}


@dataclass(frozen=True)
class TrialOutcome:
    decision: Decision[SearchHit]
    hits: list[SearchHit]
    thresholds: Thresholds
    reply: list[str]

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.decision.action]

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.decision.reason, self.decision.reason)


def try_question(search: GuideSearch, question: str, municipality: str, thresholds: Thresholds) -> TrialOutcome:
    """Search every topic for the municipality and decide as the bot does on a first question."""
    hits = search.search(question, municipality)
    decision = decide(hits, thresholds, intent=None)
    reply = bubbles(decision.best.reply_text) if decision.action == "answer" and decision.best else []
    return TrialOutcome(decision, hits[:3], thresholds, reply)

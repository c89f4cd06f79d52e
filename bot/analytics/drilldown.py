"""Behind each figure: which conversations it counts, and a conversation's turns as staff read them.

The figure keys (``FIGURES``) are shared by the report page, its drill-down links and the CSV
files; their Danish names are the ones managers read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.analytics.metrics import started_outside_hours
from bot.analytics.rows import HANDOVER_LABELS, TurnRow, handover_category, is_fallback, is_handover
from kb.hours import Schedule

# Every figure, by key: its Danish name.
FIGURES: dict[str, str] = {
    "conversations": "Samtaler",
    "citizen_messages": "Beskeder fra borgere",
    "fallback_rate": "Andel beskeder uden svar",
    "containment": "Andel samtaler klaret uden en medarbejder",
    "handovers": "Overdragelser til en medarbejder",
    **{f"handovers.{key}": f"Overdraget: {label}" for key, label in HANDOVER_LABELS.items()},
    "helpfulness": "Andel 'Ja' til 'Fik du svar?'",
    "outside_hours": "Andel samtaler begyndt uden for åbningstid",
    "other_languages": "Beskeder på andre sprog",
    "abandonment": "Andel samtaler, der sluttede med et opklarende spørgsmål",
}
# What the drill-down of each figure lists.
BEHIND: dict[str, str] = {
    "conversations": "Alle ugens samtaler",
    "citizen_messages": "Alle ugens samtaler",
    "fallback_rate": "Samtaler med en besked, botten ikke havde et svar på",
    "containment": "Samtaler, der blev overdraget til en medarbejder",
    "handovers": "Samtaler, der blev overdraget til en medarbejder",
    **{f"handovers.{key}": f"Samtaler overdraget, fordi: {label}" for key, label in HANDOVER_LABELS.items()},
    "helpfulness": "Samtaler, hvor borgeren svarede 'Ja' eller 'Nej' til 'Fik du svar?'",
    "outside_hours": "Samtaler begyndt, mens både Den Digitale Hotline og Borgerservice var lukket",
    "other_languages": "Samtaler med en besked på et andet sprog end dansk",
    "abandonment": "Samtaler, der sluttede med et opklarende spørgsmål",
}
# The language codes the gateway answers in, by their Danish names.
# Danish names of the languages langdetect reports most often here; another code is shown as it is.
LANGUAGE_LABELS = {
    "en": "engelsk",
    "de": "tysk",
    "pl": "polsk",
    "uk": "ukrainsk",
    "ar": "arabisk",
    "es": "spansk",
    "fr": "fransk",
    "it": "italiensk",
    "ro": "rumænsk",
    "tr": "tyrkisk",
    "ru": "russisk",
    "so": "somali",
    "fa": "persisk",
    "ur": "urdu",
    "nl": "nederlandsk",
    "pt": "portugisisk",
    "lt": "litauisk",
    "vi": "vietnamesisk",
    "?": "ukendt",
}

OUTCOME_LABELS = {
    "answer": "Svar fra en vejledning",
    "clarification": "Opklarende spørgsmål",
    "escalation": "Overdraget til en medarbejder",
    "feedback": "Feedback",
    "hours": "Åbningstider",
    "greeting": "Hilsen",
    "other_language": "Andet sprog",
    "degraded": "Teknisk fejl",
    "other": "Anden besked",
}
REASON_LABELS = {
    **HANDOVER_LABELS,
    "second_miss": "Anden gang uden svar",
    "degraded": "Teknisk fejl",
    "confident": "Sikkert svar",
    "no_match": "Ingen vejledning passede",
    "low_confidence": "For usikkert svar",
    "off_topic": "Andet emne",
    "nlu_fallback": "Uklar besked",
    "affirm_without_answer": "'Ja' uden et svar at vurdere",
    "deny_without_answer": "'Nej' uden et svar at vurdere",
    "ja": "Svarede 'Ja'",
    "nej": "Svarede 'Nej'",
    "comment": "Kommentar",
}


def _wants(figure: str, schedules: Sequence[Schedule]) -> Callable[[list[TurnRow]], bool]:
    """Whether a conversation (its turns, in order) is behind a figure; KeyError for an unknown one."""
    if figure not in FIGURES:
        raise KeyError(figure)
    if figure.startswith("handovers."):
        category = figure.split(".", 1)[1]
        return lambda turns: any(handover_category(turn) == category for turn in turns)
    rules: dict[str, Callable[[list[TurnRow]], bool]] = {
        "fallback_rate": lambda turns: any(is_fallback(turn) for turn in turns),
        "containment": lambda turns: any(is_handover(turn) for turn in turns),
        "handovers": lambda turns: any(is_handover(turn) for turn in turns),
        "helpfulness": lambda turns: any(turn.feedback in ("ja", "nej") for turn in turns),
        "outside_hours": lambda turns: started_outside_hours(turns[0], schedules),
        "other_languages": lambda turns: any(turn.outcome == "other_language" for turn in turns),
        "abandonment": lambda turns: turns[-1].outcome == "clarification",
    }
    return rules.get(figure, lambda turns: True)


@dataclass(frozen=True)
class ConversationSummary:
    """One line of a drill-down: a conversation behind a figure."""

    conversation_id: str
    started: datetime
    messages: int
    first_question: str
    last_outcome: str


def conversations_behind(
    turns: Sequence[TurnRow], figure: str, schedules: Sequence[Schedule]
) -> list[ConversationSummary]:
    """The conversations a figure counts (among turns already narrowed to a week and topic), newest first."""
    wants = _wants(figure, schedules)
    groups: dict[str, list[TurnRow]] = {}
    for turn in turns:
        groups.setdefault(turn.conversation_id, []).append(turn)
    found = []
    for conversation_id, group in groups.items():
        group.sort(key=lambda t: (t.at, t.turn_index))
        if wants(group):
            found.append(
                ConversationSummary(conversation_id, group[0].at, len(group), group[0].question, group[-1].outcome)
            )
    return sorted(found, key=lambda summary: summary.started, reverse=True)

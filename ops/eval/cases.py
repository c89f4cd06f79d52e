"""The evaluation cases: the guide dev set (one message each) and the multi-turn dialogues."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from core.topics import TOPIC_INTENTS
from ops.devset import DEV_SET, DIALOGUES, Half, half_of, load_dev_set, load_dialogues

# "decline": anything but an answer (chit-chat such as "fortæl en vittighed" need not go to DDH).
Kind = Literal["answer", "hours", "clarify", "escalate", "feedback", "smalltalk", "decline"]
Source = Literal["in_scope", "out_of_scope", "human", "dialogue"]


@dataclass(frozen=True)
class Expected:
    """What the bot should do with one message."""

    kind: Kind
    topic: str | None = None
    guide: str | None = None
    reason: str | None = None
    must_contain: tuple[str, ...] = ()  # any one in the reply holds the fact (ops.facts)


@dataclass(frozen=True)
class Turn:
    say: str
    expect: Expected


@dataclass(frozen=True)
class Conversation:
    """One conversation to hold with the bot, in a session of its own."""

    name: str
    source: Source
    municipality: str
    turns: tuple[Turn, ...]
    intent: str | None = None  # the labelled intent of a one-message case

    @property
    def topic(self) -> str | None:
        return self.turns[0].expect.topic

    @property
    def half(self) -> Half:
        """Tuning or held-out (ops.devset): by the first message, the name for dialogues."""
        return half_of(self.name if self.source == "dialogue" else self.turns[0].say)


def _dialogue(item: dict[str, Any]) -> Conversation:
    turns = tuple(
        Turn(
            say=str(t["say"]),
            expect=Expected(
                kind=t["expect"],
                topic=t.get("topic"),
                guide=t.get("guide"),
                reason=t.get("reason"),
                must_contain=tuple(str(s) for s in t.get("must_contain") or ()),
            ),
        )
        for t in item["turns"]
    )
    return Conversation(item["name"], "dialogue", item.get("municipality", "kalundborg"), turns)


def load_cases(dev_path: Path = DEV_SET, dialogues_path: Path = DIALOGUES) -> list[Conversation]:
    """Every case: in-scope and out-of-scope dev questions, requests for a human, dialogues."""
    cases: list[Conversation] = []
    for item in load_dev_set(dev_path):
        if item.in_scope:
            expect = Expected("answer", topic=item.topic, guide=item.guide, must_contain=item.must_contain)
            intent = TOPIC_INTENTS[str(item.topic)]
            source: Source = "in_scope"
        else:
            expect = Expected("decline") if item.chit_chat else Expected("escalate", reason="out_of_scope")
            intent, source = "out_of_scope", "out_of_scope"
        cases.append(Conversation(item.name, source, item.municipality, (Turn(item.text, expect),), intent))
    dialogues = load_dialogues(dialogues_path)
    for i, text in enumerate(dialogues.get("requests_for_human", [])):
        expect = Expected("escalate", reason="request_human")
        cases.append(Conversation(f"human-{i}", "human", "kalundborg", (Turn(str(text), expect),), "request_human"))
    cases.extend(_dialogue(item) for item in dialogues.get("dialogues", []))
    return cases

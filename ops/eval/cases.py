"""The evaluation cases: the guide dev set (one message each) and the multi-turn dialogues."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from core.settings import PROJECT_ROOT

DEV_SET = PROJECT_ROOT / "kb" / "eval" / "dev.yml"
DIALOGUES = PROJECT_ROOT / "kb" / "eval" / "dialogues.yml"

# "decline": anything but an answer (chit-chat such as "fortæl en vittighed" need not go to DDH).
Kind = Literal["answer", "hours", "clarify", "escalate", "feedback", "smalltalk", "decline"]
Source = Literal["in_scope", "out_of_scope", "human", "dialogue"]
TOPIC_INTENTS = {
    "pas": "ask_pas",
    "flytning": "ask_flytning",
    "mitid": "ask_mitid",
    "aabningstider": "ask_aabningstider",
}


@dataclass(frozen=True)
class Expected:
    """What the bot should do with one message."""

    kind: Kind
    topic: str | None = None
    guide: str | None = None
    reason: str | None = None


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


def _topic_of(guide: str) -> str:
    return guide.split("-", 1)[0]


def _dialogue(item: dict[str, Any]) -> Conversation:
    turns = tuple(
        Turn(
            say=str(t["say"]),
            expect=Expected(kind=t["expect"], topic=t.get("topic"), guide=t.get("guide"), reason=t.get("reason")),
        )
        for t in item["turns"]
    )
    return Conversation(item["name"], "dialogue", item.get("municipality", "kalundborg"), turns)


def load_cases(dev_path: Path = DEV_SET, dialogues_path: Path = DIALOGUES) -> list[Conversation]:
    """Every case: in-scope and out-of-scope dev questions, requests for a human, dialogues."""
    dev: dict[str, Any] = yaml.safe_load(dev_path.read_text(encoding="utf-8"))
    dialogues: dict[str, Any] = yaml.safe_load(dialogues_path.read_text(encoding="utf-8"))
    cases: list[Conversation] = []
    for i, item in enumerate(dev.get("in_scope", [])):
        topic = _topic_of(item["guide"])
        expect = Expected("answer", topic=topic, guide=item["guide"])
        cases.append(
            Conversation(
                f"in_scope-{i}",
                "in_scope",
                item.get("municipality", "kalundborg"),
                (Turn(item["q"], expect),),
                TOPIC_INTENTS[topic],
            )
        )
    for i, item in enumerate(dev.get("out_of_scope", [])):
        chit_chat = item.get("category") == "chit-chat"
        expect = Expected("decline") if chit_chat else Expected("escalate", reason="out_of_scope")
        municipality = item.get("municipality", "kalundborg")
        cases.append(
            Conversation(f"out_of_scope-{i}", "out_of_scope", municipality, (Turn(item["q"], expect),), "out_of_scope")
        )
    for i, text in enumerate(dialogues.get("requests_for_human", [])):
        expect = Expected("escalate", reason="request_human")
        cases.append(Conversation(f"human-{i}", "human", "kalundborg", (Turn(str(text), expect),), "request_human"))
    cases.extend(_dialogue(item) for item in dialogues.get("dialogues", []))
    return cases

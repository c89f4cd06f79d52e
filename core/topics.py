"""The topic registry: each topic the bot answers, its Rasa intent and the word that names it.

Pure Python with no third-party imports, so the Rasa environment's scripts can read it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Topic = Literal["pas", "flytning", "mitid", "aabningstider"]


@dataclass(frozen=True)
class TopicInfo:
    """One topic: its id (also the prefix of its guides' ids), NLU intent and naming word."""

    topic: Topic
    intent: str
    # Added to a follow-up that names no topic of its own ("hvad koster det?" + "pas").
    word: str


REGISTRY: tuple[TopicInfo, ...] = (
    TopicInfo("pas", "ask_pas", "pas"),
    TopicInfo("flytning", "ask_flytning", "flytning"),
    TopicInfo("mitid", "ask_mitid", "MitID"),
    TopicInfo("aabningstider", "ask_aabningstider", "Borgerservice"),
)

TOPICS: tuple[Topic, ...] = tuple(info.topic for info in REGISTRY)
TOPIC_INTENTS: dict[str, str] = {info.topic: info.intent for info in REGISTRY}
INTENT_TOPICS: dict[str, Topic] = {info.intent: info.topic for info in REGISTRY}
TOPIC_WORDS: dict[str, str] = {info.topic: info.word for info in REGISTRY}
TOPICAL_INTENTS: tuple[str, ...] = tuple(info.intent for info in REGISTRY)


def topic_of_guide_id(guide_id: str) -> str:
    """A guide's topic from its id: every guide id starts with its topic (`make kb-check` holds it)."""
    return guide_id.split("-", 1)[0]

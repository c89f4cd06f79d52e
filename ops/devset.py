"""The labelled dev set (``kb/eval/dev.yml``) and the dialogues (``kb/eval/dialogues.yml``): the one loader.

Standard library and PyYAML only, so the Rasa environment's ``scripts/tune_fallback.py`` reads it too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from core.topics import topic_of_guide_id

EVAL_DIR = Path(__file__).resolve().parent.parent / "kb" / "eval"
DEV_SET = EVAL_DIR / "dev.yml"
DIALOGUES = EVAL_DIR / "dialogues.yml"
DEFAULT_MUNICIPALITY = "kalundborg"
# The dev set is split once into a tuning half (thresholds, pipelines and curation are tuned on
# it) and a held-out half (reported, never tuned on). The split hashes each case's text with
# this seed, so it stays fixed as cases are added and every tool draws the same line.
SPLIT_SEED = "borgerbot-dev-split-2026-12-02"
Half = Literal["tuning", "heldout"]


def half_of(text: str) -> Half:
    """The half a case belongs to: fixed by its text and the seed."""
    digest = hashlib.sha256(f"{SPLIT_SEED}\0{text.strip()}".encode()).digest()
    return "tuning" if digest[0] % 2 == 0 else "heldout"


@dataclass(frozen=True)
class DevCase:
    """One labelled citizen question: its topic, the facts a right reply holds, and the guide if one is it.

    Out-of-scope questions have no topic. ``guide`` is only given where exactly one guide is
    the answer; the right-guide rate is reported for those, fact accuracy for every case.
    """

    name: str
    text: str
    guide: str | None
    municipality: str = DEFAULT_MUNICIPALITY
    category: str | None = None  # of an out-of-scope question, e.g. "chit-chat"
    must_contain: tuple[str, ...] = ()  # any one of these in the reply holds the fact
    topic_label: str | None = None  # when no single guide is named

    @property
    def topic(self) -> str | None:
        return topic_of_guide_id(self.guide) if self.guide else self.topic_label

    @property
    def in_scope(self) -> bool:
        return self.topic is not None

    @property
    def half(self) -> Half:
        return half_of(self.text)

    @property
    def chit_chat(self) -> bool:
        """Out of scope, but declining politely is enough (no hand-over needed)."""
        return self.category == "chit-chat"


def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top")
    return data


def load_dev_set(path: Path = DEV_SET) -> list[DevCase]:
    """Every dev question: in-scope ones first (named in_scope-<i>), then out-of-scope ones."""
    data = _read(path)
    cases = [
        DevCase(
            f"in_scope-{i}",
            str(item["q"]),
            str(item["guide"]) if item.get("guide") else None,
            item.get("municipality", DEFAULT_MUNICIPALITY),
            must_contain=tuple(str(s) for s in item.get("must_contain") or ()),
            topic_label=item.get("topic"),
        )
        for i, item in enumerate(data.get("in_scope", []))
    ]
    unplaced = [c.name for c in cases if c.topic is None]
    if unplaced:
        raise ValueError(f"{path}: in-scope cases need a guide or a topic: {', '.join(unplaced[:5])}")
    cases += [
        DevCase(
            f"out_of_scope-{i}",
            str(item["q"]),
            None,
            item.get("municipality", DEFAULT_MUNICIPALITY),
            item.get("category"),
        )
        for i, item in enumerate(data.get("out_of_scope", []))
    ]
    return cases


def load_dialogues(path: Path = DIALOGUES) -> dict[str, Any]:
    """The dialogues file: ``requests_for_human`` (texts) and ``dialogues`` (named multi-turn cases)."""
    return _read(path)

"""The labelled dev set (``kb/eval/dev.yml``) and the dialogues (``kb/eval/dialogues.yml``): the one loader.

Standard library and PyYAML only, so the Rasa environment's ``scripts/tune_fallback.py`` reads it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.topics import topic_of_guide_id

EVAL_DIR = Path(__file__).resolve().parent.parent / "kb" / "eval"
DEV_SET = EVAL_DIR / "dev.yml"
DIALOGUES = EVAL_DIR / "dialogues.yml"
DEFAULT_MUNICIPALITY = "kalundborg"


@dataclass(frozen=True)
class DevCase:
    """One labelled citizen question: the guide that answers it, or none (out of scope)."""

    name: str
    text: str
    guide: str | None
    municipality: str = DEFAULT_MUNICIPALITY
    category: str | None = None  # of an out-of-scope question, e.g. "chit-chat"

    @property
    def topic(self) -> str | None:
        return topic_of_guide_id(self.guide) if self.guide else None

    @property
    def in_scope(self) -> bool:
        return self.guide is not None

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
        DevCase(f"in_scope-{i}", str(item["q"]), str(item["guide"]), item.get("municipality", DEFAULT_MUNICIPALITY))
        for i, item in enumerate(data.get("in_scope", []))
    ]
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

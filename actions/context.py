"""What every action needs: settings, the guide search, the citizen's municipality."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa_sdk import Tracker

from core.settings import get_settings
from kb.decision import Thresholds
from kb.hours import COPENHAGEN
from kb.live import live_municipalities
from kb.municipalities import Hotline, Municipality, load_hotline
from kb.prepare import default_search
from kb.search import GuideSearch


def guide_search() -> GuideSearch:
    """One search object per action server; it follows index swaps by itself."""
    return default_search()


def thresholds() -> Thresholds:
    """The answer decision's thresholds: the configured answer bar, else those `make calibrate` chose."""
    return guide_search().calibration.decision_thresholds(get_settings().min_answer_confidence)


def municipality_for(tracker: Tracker) -> Municipality:
    """The municipality whose website the citizen is on (sent by the gateway), as last published."""
    settings = get_settings()
    municipalities = live_municipalities(settings.index_dir, settings.kb_dir).get()
    metadata: dict[str, Any] = tracker.latest_message.get("metadata") or {}
    slug = metadata.get("municipality") or settings.default_municipality
    return municipalities.get(slug) or municipalities[settings.default_municipality]


def entity_value(tracker: Tracker, entity: str) -> str | None:
    """The first value of an entity in the latest message."""
    value = next(tracker.get_latest_entity_values(entity), None)
    return str(value) if value is not None else None


def now() -> datetime:
    """The current time in Copenhagen; tests replace it with a fixed clock."""
    return datetime.now(COPENHAGEN)


def hotline() -> Hotline:
    return load_hotline(get_settings().kb_dir)

"""What a citizen would read for a guide: each passage as the widget shows it.

The widget shows text as text (never as HTML, so script in a guide is inert) and Rasa sends a
reply in one bubble per paragraph; the preview does the same, from the same functions the
search uses (passages, fees filled in), so it is exactly what the citizen gets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kb.chunks import guide_passages
from kb.fees import Fee, render
from kb.passages import passage_reply
from kb.schema import Guide


@dataclass(frozen=True)
class PreviewReply:
    """One answer the bot can give from the guide: when it is given, and its bubbles."""

    heading: str | None
    bubbles: list[str]


@dataclass(frozen=True)
class GuidePreview:
    title: str
    replies: list[PreviewReply]
    links: list[tuple[str, str]]
    source_url: str | None
    last_reviewed: str


def bubbles(text: str) -> list[str]:
    """The messages Rasa sends for a text: one per paragraph (it splits at blank lines)."""
    return [part.strip() for part in text.split("\n\n") if part.strip()]


def preview_guide(guide: Guide, fees: dict[str, Fee], today: date) -> GuidePreview:
    """The short answer, then every section as its own reply, fees as on ``today``."""
    passages = guide_passages(guide)
    short = render(passages[0].text, fees, today)
    replies = [PreviewReply(None, bubbles(short))]
    for passage in passages[1:]:
        text = passage_reply(short, passage.heading, render(passage.text, fees, today))
        replies.append(PreviewReply(passage.heading, bubbles(text)))
    return GuidePreview(
        title=guide.title,
        replies=replies,
        links=[(link.title, str(link.url)) for link in guide.links],
        source_url=str(guide.sources[0]) if guide.sources else None,
        last_reviewed=guide.last_reviewed.isoformat(),
    )

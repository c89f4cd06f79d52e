"""A synthetic week, 2026-W43 (the autumn DST change: Sunday 2026-10-25 03.00 summer time is 02.00
winter time), in two municipalities, with conversations whose figures are known by hand.

Kalundborg, W43 (Copenhagen times; DDH 08-20 Mon-Thu, 08-16 Fri, 16-20 Sun; Borgerservice 10-14 weekdays):
  k1 Mon 10.30  answer (pas, "ja"), answer (pas, "nej")                      open
  k2 Tue 21.00  clarification (flytning), hand-over no_answer (flytning)     closed
  k3 Sat 12.00  clarification (mitid) – and nothing more: abandoned         closed
  k4 Sun 02.30 summer time: hand-over request_human (no topic);
     Sun 02.30 winter time, an hour later: answer (mitid)                    closed
  k5 Sun 23.30 winter time (22.30 UTC, still W43): other language (en)       closed
  k7 Wed 12.00  technical failure, hand-over not_helpful                     open
Outside the week: k6 Mon 2026-10-26 00.30 (W44; its UTC date is Sunday), k8 Wed 2026-10-14 (W42).
Høje-Taastrup, W43: t1 Mon 12.00 clarification, hand-over request_human.
"""

from __future__ import annotations

from datetime import datetime

from bot.analytics.rows import TurnRow
from tests.unit.bot.analytics.turn_rows import CPH, turn, utc

WEEK = "2026-W43"


def cph(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=CPH)  # type: ignore[arg-type, misc]


def kalundborg() -> list[TurnRow]:
    return [
        turn("k1", 0, cph(2026, 10, 19, 10, 30), "answer", topic="pas", feedback="ja", guide_id="pas-pris",
             question="Hvad koster et pas?", replies=("Et pas koster 685 kr.",), confidence=0.93),
        turn("k1", 1, cph(2026, 10, 19, 10, 32), "answer", topic="pas", feedback="nej", guide_id="pas-pris",
             question="og for børn?", replies=("Et børnepas koster 250 kr.",), confidence=0.81),
        turn("k2", 0, cph(2026, 10, 20, 21, 0), "clarification", topic="flytning", reason="low_confidence",
             question="Hvordan fornyer jeg mit kørekort?"),
        turn("k2", 1, cph(2026, 10, 20, 21, 1), "escalation", topic="flytning", reason="no_answer",
             question="Hvordan fornyer jeg mit kørekort?"),
        turn("k3", 0, cph(2026, 10, 24, 12, 0), "clarification", topic="mitid", reason="nlu_fallback",
             question="Hvornår bliver mit storskrald hentet?"),
        # 00.30 UTC is 02.30 summer time; 01.30 UTC is 02.30 winter time, the same wall clock an hour later.
        turn("k4", 0, utc(2026, 10, 25, 0, 30), "escalation", reason="request_human",
             question="Jeg vil tale med et menneske"),
        turn("k4", 1, utc(2026, 10, 25, 1, 30), "answer", topic="mitid", guide_id="mitid-ny-telefon",
             question="MitID på ny telefon"),
        turn("k5", 0, utc(2026, 10, 25, 22, 30), "other_language", language="en", source="gateway",
             question="How do I renew my passport?"),
        turn("k6", 0, utc(2026, 10, 25, 23, 30), "answer", topic="pas", question="Hvad koster et pas?"),
        turn("k7", 0, cph(2026, 10, 21, 12, 0), "degraded", source="gateway", question="Hvad koster et pas?"),
        turn("k7", 1, cph(2026, 10, 21, 12, 3), "escalation", reason="not_helpful", question="Nej"),
        turn("k8", 0, cph(2026, 10, 14, 11, 0), "clarification", topic="pas", reason="low_confidence",
             question="Hvordan fornyer jeg mit kørekort?"),
        turn("k8", 1, cph(2026, 10, 14, 11, 2), "answer", topic="pas", question="pas til mit barn"),
    ]  # fmt: skip


def hoeje_taastrup() -> list[TurnRow]:
    return [
        turn("t1", 0, cph(2026, 10, 19, 12, 0), "clarification", municipality="hoeje-taastrup",
             question="Hvor henter jeg en parkeringstilladelse?"),
        turn("t1", 1, cph(2026, 10, 19, 12, 1), "escalation", municipality="hoeje-taastrup",
             reason="request_human", question="Kan jeg tale med en person"),
    ]  # fmt: skip


def every_turn() -> list[TurnRow]:
    return kalundborg() + hoeje_taastrup()

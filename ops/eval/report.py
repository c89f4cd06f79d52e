"""make eval's report: every figure and failure as JSON, rendered to Markdown, written to reports/."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.settings import PROJECT_ROOT
from ops.eval.compare import SystemScores
from ops.eval.judge import Result
from ops.eval.languages import LanguageOutcome, LanguageSummary
from ops.eval.metrics import BarPoint, Summary, turn_right
from ops.eval.report_md import render_markdown

REPORTS = PROJECT_ROOT / "reports"
REPLY_CHARS = 400  # enough of a reply to see what the citizen got


def _clip(text: str) -> str:
    return text if len(text) <= REPLY_CHARS else text[: REPLY_CHARS - 1] + "…"


def turn_failures(results: Sequence[Result]) -> list[dict[str, Any]]:
    """Every turn the bot got wrong, with what it should have done and its actual reply."""
    rows = []
    for result in results:
        for turn, observed in result.turns():
            if turn_right(turn.expect, observed):
                continue
            rows.append(
                {
                    "case": result.conversation.name,
                    "source": result.conversation.source,
                    "municipality": result.conversation.municipality,
                    "say": turn.say,
                    "expected": turn.expect.kind,
                    "expected_detail": turn.expect.guide or turn.expect.topic or turn.expect.reason or "",
                    "must_contain": list(turn.expect.must_contain),
                    "half": result.conversation.half,
                    "got": observed.kind,
                    "got_detail": observed.guide or observed.reason or "",
                    "intent": observed.intent,
                    "confidence": observed.confidence,
                    "escalated": observed.escalated,
                    "reply": _clip(observed.reply),
                }
            )
    return rows


def language_redirects(results: Sequence[Result]) -> list[dict[str, Any]]:
    """Dev and dialogue messages the gateway answered with a language reply instead of sending them on.

    The cases are Danish apart from a few labelled English ones, so each is worth a look.
    """
    return [
        {"case": r.conversation.name, "say": turn.say, "lang": observed.lang, "expected": turn.expect.kind}
        for r in results
        for turn, observed in r.turns()
        if observed.lang
    ]


def system_data(scores: SystemScores) -> dict[str, Any]:
    """One system's comparison figures and the dev questions it got wrong."""
    return {
        "name": scores.name,
        "in_scope": scores.in_scope,
        "out_of_scope": scores.out_of_scope,
        "answer_accuracy": scores.answer_accuracy,
        "fact_accuracy": scores.fact_accuracy,
        "confident_misses": scores.confident_misses,
        "by_topic": scores.by_topic,
        "answered_share": scores.answered_share,
        "out_of_scope_escalated": scores.out_of_scope_escalated,
        "wrong_answers": scores.wrong_answers,
        "wrong_answer_rate": scores.wrong_answer_rate,
        "failures": [
            {
                "case": s.question.name,
                "say": s.question.text,
                "municipality": s.question.municipality,
                "expected": s.question.guide
                or s.question.topic
                or ("decline" if s.question.chit_chat else "hand over"),
                "given": s.reply.guide,
                "escalated": s.escalated,
                "detail": s.reply.detail,
                "reply": _clip(s.reply.reply),
            }
            for s in scores.failures
        ],
    }


def language_data(summary: LanguageSummary, outcomes: Sequence[LanguageOutcome]) -> dict[str, Any]:
    def row(o: LanguageOutcome) -> dict[str, Any]:
        return {
            "say": o.case.say,
            "written": o.case.written,
            "expected": o.case.reply,
            "got": o.got,
            "escalated": o.escalated,
            "correct": o.correct,
            "reply": _clip(o.reply),
        }

    return {
        "not_danish": summary.not_danish,
        "in_expected_language": summary.in_expected_language,
        "nordic": summary.nordic,
        "nordic_redirected": summary.nordic_redirected,
        "short_other": summary.short_other,
        "short_other_redirected": summary.short_other_redirected,
        "by_language": _by_language(outcomes),
        "failures": [row(o) for o in summary.failures],
        "cases": [row(o) for o in outcomes],
    }


def _by_language(outcomes: Sequence[LanguageOutcome]) -> dict[str, dict[str, float | int]]:
    groups: dict[str, list[LanguageOutcome]] = {}
    for outcome in outcomes:
        groups.setdefault(outcome.case.written, []).append(outcome)
    return {
        lang: {"n": len(group), "correct": sum(o.correct for o in group) / len(group)}
        for lang, group in sorted(groups.items())
    }


def build_report(
    *,
    summary: Summary,
    results: Sequence[Result],
    targets: Sequence[tuple[str, float, str, float, bool]],
    halves: Mapping[str, Summary],
    sweep: Sequence[BarPoint],
    answer_bar: float,
    systems: Sequence[SystemScores],
    peer_notes: Mapping[str, str],
    languages: tuple[LanguageSummary, Sequence[LanguageOutcome]] | None,
    meta: Mapping[str, Any],
) -> dict[str, Any]:
    """The whole report as plain data: what reports/eval.json holds and reports/eval.md renders."""
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        **meta,
        "ours": asdict(summary),
        "halves": {half: asdict(s) for half, s in halves.items()},
        "targets": [
            {"label": label, "value": value, "op": op, "target": target, "met": met}
            for label, value, op, target, met in targets
        ],
        "answer_bar": answer_bar,
        "bar_sweep": [asdict(point) for point in sweep],
        "comparison": {"systems": [system_data(s) for s in systems], "notes": dict(peer_notes)},
        "languages": language_data(*languages) if languages else None,
        "language_redirects": language_redirects(results),
        "failures": turn_failures(results),
    }


def write_report(report: Mapping[str, Any], folder: Path = REPORTS) -> tuple[Path, Path]:
    """reports/eval.json and reports/eval.md; the folder is made when missing."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / "eval.json", folder / "eval.md"
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return json_path, md_path

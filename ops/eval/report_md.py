"""reports/eval.md from the report's plain data (the same dict as reports/eval.json). Pure functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def _p(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell or list item: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _ours(report: Mapping[str, Any]) -> list[str]:
    s = report["ours"]
    lines = ["## The bot", ""]
    lines += _table(
        ["figure", "value", "target", ""],
        [
            [t["label"], _p(t["value"]), f"{t['op']} {t['target']:.2f}", "met" if t["met"] else "**NOT met**"]
            for t in report["targets"]
        ],
    )
    halves = report.get("halves") or {}
    if halves:
        names = list(halves)
        lines += ["Fact figures by half of the dev set (tuned on *tuning*, targets on *heldout*):", ""]
        topics = sorted({t for h in halves.values() for t in h["facts_by_topic"]})

        def facts(f: Mapping[str, Any] | None) -> str:
            if not f:
                return "–"
            figures = (_p(f["fact_accuracy"]), _p(f["confident_misses"]), _p(f["handed_over"]))
            return " / ".join(figures) + f" (n={f['labelled']})"

        lines += _table(
            ["fact accuracy / confident misses / handed over", *names],
            [
                ["all topics", *(facts(halves[n]["facts"]) for n in names)],
                *([t, *(facts(halves[n]["facts_by_topic"].get(t)) for n in names)] for t in topics),
                ["dialogue answer turns", *(facts(halves[n]["dialogue_facts"]) for n in names)],
                ["dialogues right in every turn", *(_p(halves[n]["dialogues_every_turn_right"]) for n in names)],
                ["right guide (secondary)", *(_p(halves[n]["facts"]["right_guide"]) for n in names)],
            ],
        )
    lines += _table(
        ["figure", "value"],
        [
            ["answered at all (in-scope dev)", _p(s["answered_share"])],
            ["escalation precision", _p(s["escalation_precision"])],
            ["escalation recall", _p(s["escalation_recall"])],
            ["wrong answers (every message)", f"{s['wrong_answers']}/{s['messages']} = {_p(s['wrong_answer_rate'])}"],
            ["dialogue answer turns right", _p(s["dialogue_answer_accuracy"])],
            ["dialogue turns right", _p(s["dialogue_turn_accuracy"])],
            ["dialogues fully right", _p(s["dialogues_fully_right"])],
            ["intent accuracy / macro F1", f"{_p(s['intents']['accuracy'])} / {_p(s['intents']['macro_f1'])}"],
        ],
    )
    lines += _table(
        ["intent", "precision", "recall", "F1", "n"],
        [[name, _p(v[0]), _p(v[1]), _p(v[2]), v[3]] for name, v in sorted(s["intents"]["per_intent"].items())],
    )
    if s["wrong_guides"]:
        lines += [
            "Wrong answers (expected -> given): " + ", ".join(f"{e} -> {o} ({n})" for e, o, n in s["wrong_guides"]),
            "",
        ]
    lines += [f"Answer bar now {report['answer_bar']:.3f}. What other bars would do on the one-message dev cases:", ""]
    lines += _table(
        ["bar", "answer accuracy", "wrong-answer rate"],
        [[f"{p['bar']:.2f}", _p(p["answer_accuracy"]), _p(p["wrong_answer_rate"])] for p in report["bar_sweep"]],
    )
    return lines


def _comparison(report: Mapping[str, Any]) -> list[str]:
    systems = report["comparison"]["systems"]
    lines = ["## The bot beside its peers (the same dev questions)", ""]
    if systems:
        names = [s["name"] for s in systems]
        first = systems[0]
        lines += [
            f"{first['in_scope']} in-scope questions; {first['out_of_scope']} out-of-scope ones that should be "
            "handed over (chit-chat only counts when answered).",
            "",
        ]
        topics = sorted({t for s in systems for t in s["by_topic"]})
        by_topic: list[list[object]] = [[f"– {t}", *(_p(s["by_topic"].get(t)) for s in systems)] for t in topics]
        rows: list[list[object]] = [
            ["fact accuracy (in scope)", *(_p(s.get("fact_accuracy")) for s in systems)],
            ["confident misses (in scope)", *(_p(s.get("confident_misses")) for s in systems)],
            ["answer accuracy (in scope, right guide)", *(_p(s["answer_accuracy"]) for s in systems)],
            *by_topic,
            ["answered at all (in scope)", *(_p(s["answered_share"]) for s in systems)],
            ["out-of-scope handed over", *(_p(s["out_of_scope_escalated"]) for s in systems)],
            ["wrong-answer rate", *(f"{_p(s['wrong_answer_rate'])} ({s['wrong_answers']})" for s in systems)],
        ]
        lines += _table(["", *names], rows)
    lines += [f"- **{name}**: {note}" for name, note in report["comparison"]["notes"].items()]
    lines.append("")
    for system in systems[1:]:
        wrong = [f for f in system["failures"] if f["given"] is not None]
        plural = "" if len(wrong) == 1 else "s"
        lines += [f"<details><summary>{system['name']}: {len(wrong)} wrong answer{plural}</summary>", ""]
        lines += [
            f"- `{f['case']}` {_cell(f['say'])!s}: expected {f['expected']}, gave {f['given']} ({_cell(f['detail'])})"
            for f in wrong
        ]
        lines += ["", "</details>", ""]
    return lines


def _redirects(report: Mapping[str, Any]) -> list[str]:
    redirects = report.get("language_redirects") or []
    lines = [
        f"Dev and dialogue messages given a language reply instead of reaching the bot: {len(redirects)} "
        "(the cases are Danish apart from a few English ones; a Danish one here is a wrong redirect).",
        "",
    ]
    lines += [f"- `{r['case']}` {_cell(r['say'])}: answered in {r['lang']}" for r in redirects]
    return [*lines, ""]


def _languages(report: Mapping[str, Any]) -> list[str]:
    data = report.get("languages")
    if not data:
        return ["## Messages in other languages", "", *_redirects(report)]
    lines = ["## Messages in other languages", ""]
    lines += _table(
        ["figure", "value"],
        [
            [
                f"non-Danish answered in the expected language (n={data['not_danish']})",
                _p(data["in_expected_language"]),
            ],
            [f"Danish/Norwegian/Swedish wrongly redirected (n={data['nordic']})", _p(data["nordic_redirected"])],
            [
                f"other languages too short to judge, redirected (n={data['short_other']})",
                _p(data["short_other_redirected"]),
            ],
        ],
    )
    lines += _table(
        ["written in", "n", "handled right"],
        [[lang, v["n"], _p(v["correct"])] for lang, v in data["by_language"].items()],
    )
    lines += ["Failures:", ""] if data["failures"] else ["No failures.", ""]
    lines += [
        f"- ({f['written']}) {_cell(f['say'])}: expected {f['expected']}, got {f['got']}"
        f"{' (escalated)' if f['escalated'] else ''}: {_cell(f['reply'])}"
        for f in data["failures"]
    ]
    return [*lines, "", *_redirects(report)]


def _failures(report: Mapping[str, Any]) -> list[str]:
    failures = report["failures"]
    lines = [f"## Every failed turn of the bot ({len(failures)})", ""]
    lines += [
        f"- `{f['case']}` ({f['municipality']}) {_cell(f['say'])}: expected {f['expected']} {f['expected_detail']}; "
        f"got {f['got']} {f['got_detail']} (intent {f['intent']}): {_cell(f['reply'])}"
        for f in failures
    ]
    return [*lines, ""]


def render_markdown(report: Mapping[str, Any]) -> str:
    """The report for a human reader; docs/eval.md says how to read it."""
    counts = ", ".join(f"{k} {v}" for k, v in (report.get("counts") or {}).items())
    head = [
        "# Borgerbot evaluation",
        "",
        f"Generated {report['generated']} in {report.get('seconds', 0):.0f} s. {counts}.",
        "How to read it: docs/eval.md. Every figure and failure is also in eval.json.",
        "",
    ]
    return "\n".join([*head, *_ours(report), *_comparison(report), *_languages(report), *_failures(report)]) + "\n"

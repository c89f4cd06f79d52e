"""make eval's report and its judging of messages in other languages: pure functions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ops.devset import DevCase
from ops.eval.cases import Conversation, Expected, Turn
from ops.eval.compare import score
from ops.eval.judge import Observed, Result
from ops.eval.languages import NORMAL, LanguageCase, judge_language, load_language_cases, summarise_languages
from ops.eval.metrics import bar_sweep, summarise
from ops.eval.peers import PeerReply
from ops.eval.report import build_report, turn_failures, write_report
from ops.eval.report_md import render_markdown


def response(*messages: dict[str, Any], escalated: bool = False) -> dict[str, Any]:
    return {"session_id": "0" * 32, "messages": list(messages), "escalated": escalated}


GERMAN_REPLY = response(
    {"text": "Entschuldigung, ich kann nur auf Dänisch antworten.", "lang": "de"},
    {"text": "Jeg svarer kun på dansk."},
    escalated=True,
)
NORMAL_REPLY = response({"text": "Et pas koster 700 kr.", "lang": None})


def test_a_language_reply_is_right_only_in_the_expected_language_and_with_a_hand_over() -> None:
    german = LanguageCase("Wie kann ich meinen Reisepass verlängern?", "de", "de")
    assert judge_language(german, GERMAN_REPLY).correct
    assert not judge_language(german, NORMAL_REPLY).correct
    french = LanguageCase("Comment renouveler mon passeport ?", "fr", "en")
    assert not judge_language(french, GERMAN_REPLY).correct
    english = response({"text": "Sorry, I can only answer in Danish.", "lang": "en"}, escalated=False)
    assert not judge_language(french, english).correct  # a language reply must hand over to DDH


def test_nordic_messages_must_take_the_normal_path() -> None:
    danish = LanguageCase("min MitID app virker ikke efter update", "da", NORMAL)
    assert judge_language(danish, NORMAL_REPLY).got == NORMAL and judge_language(danish, NORMAL_REPLY).correct
    assert not judge_language(danish, GERMAN_REPLY).correct


def test_language_summary_shares_and_failures() -> None:
    outcomes = [
        judge_language(LanguageCase("a", "de", "de"), GERMAN_REPLY),
        judge_language(LanguageCase("b", "pl", "pl"), NORMAL_REPLY),
        judge_language(LanguageCase("c", "da", NORMAL), NORMAL_REPLY),
        judge_language(LanguageCase("d", "sv", NORMAL), GERMAN_REPLY),
        judge_language(LanguageCase("hello", "en", NORMAL), NORMAL_REPLY),
    ]
    summary = summarise_languages(outcomes)
    assert (summary.not_danish, summary.in_expected_language) == (2, 0.5)
    assert (summary.nordic, summary.nordic_redirected) == (2, 0.5)
    assert (summary.short_other, summary.short_other_redirected) == (1, 0.0)
    assert [o.case.say for o in summary.failures] == ["b", "d"]


def test_the_shipped_language_cases_load() -> None:
    cases = load_language_cases()
    other = [c for c in cases if c.reply != NORMAL]
    nordic = [c for c in cases if c.reply == NORMAL and c.written in ("da", "no", "sv")]
    assert len(other) >= 40 and len(nordic) >= 20
    assert {c.reply for c in other} <= {"en", "de", "pl", "uk", "ar"}
    assert all(c.reply == "en" for c in other if c.written in ("fr", "es", "tr", "ro"))
    assert len({c.say for c in cases}) == len(cases)


def one(name: str, source: str, expect: Expected, observed: Observed, intent: str | None = None) -> Result:
    return Result(Conversation(name, source, "kalundborg", (Turn(f"spørgsmål {name}", expect),), intent), [observed])  # type: ignore[arg-type]


def sample_report() -> dict[str, Any]:
    results = [
        one("in_scope-0", "in_scope", Expected("answer", "pas", "pas-pris"), Observed("answer", "ask_pas", "pas-pris")),
        one(
            "in_scope-1",
            "in_scope",
            Expected("answer", "pas", "pas-forny"),
            Observed("answer", "ask_pas", "pas-pris", reply="Et pas | koster\n700 kr."),
        ),
        one(
            "out_of_scope-0", "out_of_scope", Expected("escalate"), Observed("escalate", "out_of_scope", escalated=True)
        ),
        one("human-0", "human", Expected("escalate"), Observed("smalltalk", None, escalated=True, lang="en")),
    ]
    questions = [
        DevCase("in_scope-0", "x", "pas-pris"),
        DevCase("in_scope-1", "y", "pas-forny"),
        DevCase("out_of_scope-0", "z", None),
    ]
    systems = [
        score("ours", questions, [PeerReply("pas-pris"), PeerReply("pas-pris"), PeerReply(None, escalated=True)]),
        score("faq", questions, [PeerReply(None), PeerReply("pas-forny"), PeerReply("pas-pris", "intent faq 0.91")]),
    ]
    outcomes = [
        judge_language(LanguageCase("Wie viel kostet ein Pass?", "de", "de"), NORMAL_REPLY),
        judge_language(LanguageCase("hvad koster et pas", "da", NORMAL), NORMAL_REPLY),
    ]
    summary = summarise(results)
    return build_report(
        summary=summary,
        results=results,
        targets=[("fact accuracy (in-scope dev)", summary.facts.fact_accuracy, ">=", 0.9, False)],
        halves={"tuning": summary, "heldout": summary},
        sweep=bar_sweep(results, [0.5]),
        answer_bar=0.29,
        systems=systems,
        peer_notes={"ours": "the bot", "faq": "Rasa's FAQ recipe"},
        languages=(summarise_languages(outcomes), outcomes),
        meta={"seconds": 12, "counts": {"conversations": 3}},
    )


def test_failures_carry_the_bots_actual_reply() -> None:
    report = sample_report()
    (failure,) = turn_failures(
        [
            one(
                "in_scope-1",
                "in_scope",
                Expected("answer", "pas", "pas-forny"),
                Observed("answer", "ask_pas", "pas-pris", reply="Et pas koster 700 kr."),
            )
        ]
    )
    assert (failure["expected_detail"], failure["got_detail"]) == ("pas-forny", "pas-pris")
    assert failure["reply"] == "Et pas koster 700 kr."
    assert [f["case"] for f in report["failures"]] == ["in_scope-1"]
    json.dumps(report)  # plain data all the way down


def test_markdown_shows_every_section_side_by_side_and_the_failures() -> None:
    text = render_markdown(sample_report())
    for heading in ("## The bot", "## The bot beside its peers", "## Messages in other languages", "## Every failed"):
        assert heading in text
    assert "|  | ours | faq |" in text
    assert "| – pas |" in text
    # A reply's pipes and line breaks cannot break the Markdown.
    assert "Et pas \\| koster 700 kr." in text
    assert "Wie viel kostet ein Pass?: expected de, got normal" in text
    assert "faq: 1 wrong answer</summary>" in text
    assert "given a language reply instead of reaching the bot: 1" in text and "answered in en" in text


def test_report_files_are_written_into_a_fresh_folder(tmp_path: Path) -> None:
    json_path, md_path = write_report(sample_report(), tmp_path / "reports")
    assert json.loads(json_path.read_text(encoding="utf-8"))["comparison"]["systems"][1]["name"] == "faq"
    assert md_path.read_text(encoding="utf-8").startswith("# Borgerbot evaluation")

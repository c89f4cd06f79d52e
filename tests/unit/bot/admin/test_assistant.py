"""The staff pages' search tools with the real e5 model: "Test a question" on the published index and on a draft,
and the duplicate warning."""

from __future__ import annotations

from pathlib import Path

from bot.admin.assistant import StaffAssistant
from bot.admin.tester import try_question
from core.settings import Settings
from kb.store import FileGuideStore


def test_a_question_is_answered_from_the_published_index(indexed: Settings) -> None:
    assistant = StaffAssistant(indexed)
    outcome = try_question(assistant.published, "hvad koster et pas til en voksen", "kalundborg", assistant.thresholds)
    assert outcome.decision.action == "answer" and outcome.decision.best is not None
    assert outcome.decision.best.guide_id == "pas-pris" and outcome.reply
    unclear = try_question(assistant.published, "hvornår tømmes skraldespanden", "kalundborg", assistant.thresholds)
    assert unclear.decision.action != "answer"


def test_a_draft_answers_in_the_draft_search_only(indexed: Settings, tmp_path: Path) -> None:
    assistant = StaffAssistant(indexed)
    guides = FileGuideStore(indexed.kb_dir / "guides").list_guides()
    draft = next(g for g in guides if g.id == "pas-pris")
    body = "Et pas koster nu 123 kroner for alle, også pensionister.\n\n" + draft.body.split("\n\n", 1)[1]
    changed = draft.model_copy(update={"body": body})
    search = assistant.draft([changed if g.id == "pas-pris" else g for g in guides])
    question = "hvad koster et pas"
    drafted = try_question(search, question, "kalundborg", assistant.thresholds)
    published = try_question(assistant.published, question, "kalundborg", assistant.thresholds)
    assert any("123 kroner" in bubble for bubble in drafted.reply)
    assert not any("123 kroner" in bubble for bubble in published.reply)


def test_a_guide_asking_the_same_questions_as_another_is_a_duplicate(indexed: Settings) -> None:
    assistant = StaffAssistant(indexed)
    guides = FileGuideStore(indexed.kb_dir / "guides").list_guides()
    original = next(g for g in guides if g.id == "pas-pris")
    copy = original.model_copy(update={"id": "pas-pris-kopi"})
    found = assistant.duplicates(copy, guides)
    assert found and found[0][0].id == "pas-pris"
    assert all(
        other.id != "pas-pris"
        for other, _ in assistant.duplicates(next(g for g in guides if g.topic == "mitid"), guides)
    )

"""Which passage answers (kb.passages, kb.chunks), and the passage the search replies with."""

from __future__ import annotations

from pathlib import Path

from kb.chunks import guide_passages
from kb.confidence import Calibration
from kb.index import build_index
from kb.passages import PassageEvidence, PassageWeights, best_passage, passage_reply
from kb.schema import Guide
from kb.search import GuideSearch
from kb.store import InMemoryGuideStore
from tests.fakes import FakeEmbedder


def price_guide() -> Guide:
    return Guide.model_validate(
        {
            "id": "pas-pris",
            "title": "Hvad koster et pas?",
            "topic": "pas",
            "scope": "national",
            "questions": ["hvad koster et pas", "pris på pas", "pas pris"],
            "links": [{"title": "borger.dk", "url": "https://www.borger.dk/"}],
            "sources": ["https://www.borger.dk/"],
            "last_reviewed": "2026-11-01",
            "owner": "test",
            "body": "Et pas til voksne koster {{gebyr:pas-voksen}}.\n\n"
            "## Sådan betaler du\nDu betaler med betalingskort eller MobilePay ved skranken.\n\n"
            "## Tom sektion\n\n## Hvad er med i prisen?\nFingeraftryk er med i prisen, pasfoto er ikke.",
        }
    )


def test_passages_are_the_short_answer_then_each_section_with_its_heading() -> None:
    passages = guide_passages(price_guide())
    assert [p.heading for p in passages] == [None, "Sådan betaler du", "Hvad er med i prisen?"]
    assert passages[1].text == "Du betaler med betalingskort eller MobilePay ved skranken."


def test_the_short_answer_wins_ties_and_a_section_must_fit_better() -> None:
    weights = PassageWeights(lexical=0.1, short_answer_prior=0.02)
    even = [PassageEvidence(0.90, 1.0, True), PassageEvidence(0.91, 1.0, False)]
    assert best_passage(even, weights) == 0
    better = [PassageEvidence(0.85, 0.0, True), PassageEvidence(0.90, 2.0, False)]
    assert best_passage(better, weights) == 1
    assert best_passage([], weights) == 0


def test_the_reply_is_the_short_answer_then_the_section_under_its_heading() -> None:
    assert passage_reply("Kort svar.", "Sådan betaler du", "Med kort.") == "Kort svar.\n\nSådan betaler du\nMed kort."
    assert passage_reply("Kort svar.", None, "Kort svar.") == "Kort svar."


def test_search_replies_with_the_section_that_answers(tmp_path: Path) -> None:
    build_index(InMemoryGuideStore([price_guide()]), tmp_path, FakeEmbedder())
    # A section must fit better than the short answer itself here (the shipped fit nearly always adds one).
    calibration = Calibration(thresholds={"passage_lexical": 0.1, "passage_prior": 0.0})
    search = GuideSearch(tmp_path, FakeEmbedder(), calibration)
    paying = search.search("hvordan betaler jeg med mobilepay eller betalingskort", "kalundborg")[0]
    assert paying.passage_heading == "Sådan betaler du"
    assert "\n\nSådan betaler du\nDu betaler med betalingskort eller MobilePay" in paying.reply_text
    assert paying.reply_text.startswith("Et pas til voksne koster")
    price = search.search("hvad koster et pas til voksne", "kalundborg")[0]
    assert price.passage_heading is None
    # No fee table in this build: the placeholder is left visible, never silently dropped.
    assert "{{gebyr:pas-voksen}}" in price.reply_text


def test_one_question_searched_twice_is_embedded_once(tmp_path: Path) -> None:
    """decide_for searches NLU's topic, then every topic: the query is embedded only once."""
    embedder = FakeEmbedder()
    build_index(InMemoryGuideStore([price_guide()]), tmp_path, embedder)
    search = GuideSearch(tmp_path, embedder)
    embedder.embedded.clear()
    search.search("hvad koster et pas", "kalundborg", topic="pas")
    search.search("hvad koster et pas", "kalundborg")
    assert embedder.embedded == ["hvad koster et pas"]

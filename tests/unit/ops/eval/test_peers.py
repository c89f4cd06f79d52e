"""make eval's peers: the FAQ project generated from guides, Rasa's parse read back, scoring. Pure parts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from core.settings import Settings
from kb.schema import Guide
from ops.devset import DevCase, load_dev_set
from ops.eval.cases import Conversation, Expected, Turn, load_cases
from ops.eval.compare import HOURS_REPLY, ours_replies, score
from ops.eval.judge import Observed, Result
from ops.eval.peers import PeerReply
from ops.eval.peers.faq import interpret_parse
from ops.eval.peers.faq_data import examples_of, faq_project, guide_of, inputs_hash, out_of_scope_examples
from ops.eval.peers.lexical import lexical_answers


def guide(guide_id: str, questions: list[str], scope: str = "national", answer: str = "Kort svar.") -> Guide:
    return Guide.model_validate(
        {
            "id": guide_id,
            "title": f"Titel {guide_id}",
            "topic": guide_id.split("-", 1)[0],
            "scope": scope,
            "questions": questions,
            "links": [{"title": "borger.dk", "url": "https://www.borger.dk/"}],
            "sources": ["https://www.borger.dk/"],
            "last_reviewed": date(2026, 11, 1),
            "owner": "test",
            "body": f"{answer}\n\n## Detaljer\n\nMere tekst.",
        }
    )


GUIDES = [
    guide("pas-pris", ["hvad koster et pas", "pris på pas", "pasgebyr"], answer="Et pas koster 700 kr."),
    guide("flytning-frist", ["hvornår skal jeg melde flytning", "frist for flytning", "Pasgebyr"]),
]


def parse_files(files: dict[str, str]) -> dict[str, Any]:
    return {name: yaml.safe_load(text) for name, text in files.items()}


DDH = "70 20 00 00"


def test_faq_project_has_one_retrieval_intent_per_guide_and_out_of_scope() -> None:
    files = parse_files(faq_project(GUIDES, ["skat", "[kørekort](document_type) fornyelse", "pasgebyr"], DDH))
    assert set(files) == {"config.yml", "domain.yml", "data/nlu.yml", "data/rules.yml"}
    intents = {item["intent"]: examples_of(item["examples"]) for item in files["data/nlu.yml"]["nlu"]}
    # An example is used once: by the first guide in id order that has it, never under two intents.
    assert intents["faq/flytning-frist"] == ["hvornår skal jeg melde flytning", "frist for flytning", "Pasgebyr"]
    assert intents["faq/pas-pris"] == ["hvad koster et pas", "pris på pas"]
    assert intents["out_of_scope"] == ["skat", "kørekort fornyelse"]
    responses = files["domain.yml"]["responses"]
    assert responses["utter_faq/pas-pris"] == [{"text": "Et pas koster 700 kr."}]
    assert files["domain.yml"]["intents"] == ["faq", "out_of_scope"]
    rules = {r["rule"]: r["steps"] for r in files["data/rules.yml"]["rules"]}
    assert rules["respond to FAQs"] == [{"intent": "faq"}, {"action": "utter_faq"}]


def test_faq_pipeline_follows_rasas_faq_recipe() -> None:
    pipeline = parse_files(faq_project(GUIDES, ["skat"], DDH))["config.yml"]["pipeline"]
    names = [c["name"] for c in pipeline]
    assert names[0] == "WhitespaceTokenizer" and names[-1] == "FallbackClassifier"
    assert {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4}.items() <= pipeline[3].items()
    selector = next(c for c in pipeline if c["name"] == "ResponseSelector")
    assert selector["retrieval_intent"] == "faq"
    assert pipeline[-1]["threshold"] == 0.3


def test_inputs_hash_changes_with_a_guide_only() -> None:
    before = inputs_hash(faq_project(GUIDES, ["skat"], DDH))
    assert inputs_hash(faq_project(list(reversed(GUIDES)), ["skat"], DDH)) == before
    changed = [guide("pas-pris", ["hvad koster et pas", "pris på pas", "pasgebyr"], answer="Et pas koster 800 kr.")]
    assert inputs_hash(faq_project([*changed, GUIDES[1]], ["skat"], DDH)) != before


def test_the_projects_out_of_scope_examples_load_without_annotations() -> None:
    examples = out_of_scope_examples(Path("data/nlu/out_of_scope.yml"))
    assert examples and all("](" not in e and e == e.strip() for e in examples)


def parse(intent: str, *keys: str) -> dict[str, Any]:
    ranking = [{"intent_response_key": key, "confidence": 0.5} for key in keys]
    return {
        "intent": {"name": intent, "confidence": 0.9},
        "response_selector": {"faq": {"response": ranking[0] if ranking else {}, "ranking": ranking}},
    }


def test_parse_answers_from_the_response_selector_or_declines() -> None:
    scopes = {"pas-pris": "national", "pas-lokal": "hoeje-taastrup"}
    answers = {"pas-pris": "Et pas koster 700 kr."}
    reply = interpret_parse(parse("faq", "faq/pas-pris"), "kalundborg", scopes, answers)
    assert (reply.guide, reply.reply) == ("pas-pris", "Et pas koster 700 kr.")
    assert interpret_parse(parse("out_of_scope", "faq/pas-pris"), "kalundborg", scopes, answers).guide is None
    assert interpret_parse(parse("nlu_fallback", "faq/pas-pris"), "kalundborg", scopes, answers).guide is None
    # Another municipality's own guide gives way to the next one the selector ranked.
    local = parse("faq", "faq/pas-lokal", "faq/pas-pris")
    assert interpret_parse(local, "kalundborg", scopes, answers).guide == "pas-pris"
    assert interpret_parse(local, "hoeje-taastrup", scopes, answers).guide == "pas-lokal"
    assert guide_of("faq/pas-pris") == "pas-pris" and guide_of("chitchat/x") is None


def test_dev_questions_are_the_single_message_dev_cases() -> None:
    cases = load_cases()
    questions = load_dev_set()
    singles = [c for c in cases if c.source in ("in_scope", "out_of_scope")]
    assert [(q.name, q.text) for q in questions] == [(c.name, c.turns[0].say) for c in singles]
    assert all((not q.in_scope) == q.name.startswith("out_of_scope") for q in questions)
    assert any(q.chit_chat for q in questions) and not any(q.chit_chat and q.in_scope for q in questions)


def test_every_system_is_scored_the_same_way() -> None:
    questions = [
        DevCase("in_scope-0", "hvad koster et pas", "pas-pris"),
        DevCase("in_scope-1", "flyttefrist", "flytning-frist"),
        DevCase("out_of_scope-0", "skat", None),
        DevCase("out_of_scope-1", "fortæl en vittighed", None, category="chit-chat"),
    ]
    replies = [PeerReply("pas-pris"), PeerReply("pas-pris"), PeerReply(None), PeerReply("pas-pris")]
    scores = score("peer", questions, replies)
    assert scores.answer_accuracy == 0.5 and scores.by_topic == {"flytning": 0.0, "pas": 1.0}
    assert scores.out_of_scope == 1 and scores.out_of_scope_escalated == 1.0
    assert scores.wrong_answers == 2 and scores.wrong_answer_rate == 0.5
    assert [s.question.name for s in scores.failures] == ["in_scope-1", "out_of_scope-1"]


def test_the_bots_hours_reply_answers_an_hours_guide_only() -> None:
    def case(name: str, expect_guide: str | None, observed: Observed) -> Result:
        source = "in_scope" if expect_guide else "out_of_scope"
        expect = Expected("answer", "aabningstider", expect_guide) if expect_guide else Expected("escalate")
        return Result(Conversation(name, source, "kalundborg", (Turn("x", expect),)), [observed])  # type: ignore[arg-type]

    replies = ours_replies(
        [
            case("in_scope-0", "aabningstider-helligdage", Observed("hours", "ask_aabningstider")),
            case("in_scope-1", "aabningstider-selvbetjening", Observed("hours", "ask_aabningstider")),
            case("out_of_scope-0", None, Observed("escalate", "out_of_scope", escalated=True)),
        ]
    )
    assert replies["in_scope-0"].guide == "aabningstider-helligdage"
    assert replies["in_scope-1"].guide == HOURS_REPLY
    assert replies["out_of_scope-0"].guide is None and replies["out_of_scope-0"].escalated


def test_lexical_peer_gives_one_reply_per_question(indexed: Settings) -> None:
    questions = [
        DevCase("in_scope-0", "hvad koster et pas", "pas-pris"),
        DevCase("out_of_scope-0", "zzzz qqqq", None),
    ]
    gated, top, bar = lexical_answers(indexed, questions)
    assert len(gated) == len(top) == 2 and 0.0 <= bar <= 1.0
    assert top[0].guide is not None and top[1].guide is None
    assert all(g.guide in (None, t.guide) for g, t in zip(gated, top, strict=True))

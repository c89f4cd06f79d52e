"""What the bot did, read from the gateway's reply and the recorded outcome."""

from __future__ import annotations

from ops.eval.judge import observe
from ops.review import Turn as StoredTurn


def test_an_answer_is_observed_with_its_guide_and_topic_from_the_public_source() -> None:
    response = {
        "messages": [{"text": "Et pas koster …", "source": {"guide_id": "pas-pris", "title": "Pris på pas"}}],
        "escalated": False,
    }
    stored = StoredTurn(text="hvad koster et pas", intent="ask_pas", outcomes=[{"kind": "answer", "confidence": 0.9}])
    observed = observe(response, stored)
    assert (observed.kind, observed.guide, observed.topic, observed.confidence) == ("answer", "pas-pris", "pas", 0.9)


def test_a_reply_without_a_source_has_no_guide_or_topic() -> None:
    observed = observe({"messages": [{"text": "Mener du …?"}], "escalated": False}, None)
    assert (observed.kind, observed.guide, observed.topic) == ("smalltalk", None, None)

"""Actions with a CollectingDispatcher and JSON trackers, over a fake search or the shipped guides."""

from __future__ import annotations

from datetime import datetime

import pytest

from actions import context
from actions.answer_from_guides import ActionAnswerFromGuides
from actions.escalate import ActionEscalateToDdh, escalation_reason
from actions.opening_hours import ActionOpeningHours
from core.settings import Settings, get_settings
from kb.hours import COPENHAGEN
from tests.fakes import FakeGuideSearch, fake_hit
from tests.unit.actions.trackers import outcomes, run, tracker


@pytest.mark.parametrize(
    ("text", "intent", "topic"),
    [
        ("hvad koster et pas til en voksen", "ask_pas", "pas"),
        ("hvornår skal jeg melde flytning", "ask_flytning", "flytning"),
        ("hvordan får jeg mitid", "ask_mitid", "mitid"),
    ],
)
def test_answers_from_a_guide_of_the_topic_and_cites_it(indexed: Settings, text: str, intent: str, topic: str) -> None:
    messages, events = run(ActionAnswerFromGuides(), tracker(text, intent))
    answer, payload, helpful = messages
    assert answer["text"]
    source = payload["custom"]["borgerbot"]["source"]
    assert source["guide_id"].startswith(f"{topic}-") and source["title"] and source["last_reviewed"]
    # Scores stay internal: the citizen's payload carries only what the widget shows.
    assert set(source) <= {"guide_id", "title", "url", "last_reviewed"}
    assert outcomes(events)[0]["topic"] == topic and "confidence" in outcomes(events)[0]
    assert payload["custom"]["borgerbot"]["links"][0]["url"].startswith("https://")
    assert helpful["response"] == "utter_ask_helpful"
    assert {"event": "slot", "name": "last_topic", "value": topic} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]


def test_below_the_bar_it_asks_instead_of_guessing(fake_search: FakeGuideSearch) -> None:
    # An in-scope question the bot is not sure enough about: no answer, one clarifying turn.
    fake_search.hits = [fake_hit("pas-pris", confidence=0.4, title="Hvad koster et pas?"), fake_hit("pas-forny", 0.3)]
    messages, events = run(ActionAnswerFromGuides(), tracker("hvad koster et pas til en voksen", "ask_pas"))
    assert messages[0]["response"] == "utter_no_sure_answer_options"
    # "Mener du …?": the best guesses as buttons that name their guide.
    assert messages[0]["buttons"][0] == {"title": "Hvad koster et pas?", "payload": '/ask_pas{"guide_id": "pas-pris"}'}
    assert outcomes(events)[0]["kind"] == "clarification" and len(messages) == 1


def test_the_configured_bar_overrides_the_calibrated_one(
    fake_search: FakeGuideSearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_search.hits = [fake_hit("pas-pris", confidence=0.95)]
    monkeypatch.setenv("BORGERBOT_MIN_ANSWER_CONFIDENCE", "0.99")
    get_settings.cache_clear()
    messages, _ = run(ActionAnswerFromGuides(), tracker("hvad koster et pas", "ask_pas"))
    assert messages[0]["response"] == "utter_no_sure_answer_options"


def test_nonsense_with_a_topical_intent_is_not_answered(indexed: Settings) -> None:
    messages, _ = run(ActionAnswerFromGuides(), tracker("xyzzy qwerty", "ask_pas"))
    assert messages[0]["response"] in ("utter_no_sure_answer", "utter_no_sure_answer_options", "utter_out_of_scope")
    assert not any(m.get("custom", {}).get("borgerbot", {}).get("source") for m in messages)


def test_another_municipal_matter_is_handed_over_at_once(indexed: Settings) -> None:
    messages, events = run(ActionAnswerFromGuides(), tracker("hvordan fornyer jeg mit kørekort", "ask_pas"))
    assert messages[0]["response"] == "utter_out_of_scope"
    assert messages[-1] == {
        **messages[-1],
        "response": "utter_ddh_call_link",
        "ddh_phone": "70 20 00 00",
        "ddh_phone_uri": "tel:+4570200000",
    }
    assert outcomes(events) == [{"kind": "escalation", "reason": "out_of_scope"}]


def test_missing_index_is_a_clarification_not_a_crash(settings: Settings) -> None:
    messages, _ = run(ActionAnswerFromGuides(), tracker("hvad koster et pas", "ask_pas"))
    assert messages[0]["response"] == "utter_no_sure_answer"


@pytest.mark.parametrize(
    ("intent", "response"),
    [
        ("out_of_scope", "utter_out_of_scope"),
        ("request_human", "utter_handover_requested"),
        ("deny", "utter_handover_not_helpful"),
    ],
)
def test_escalation_names_ddh_and_the_municipality(settings: Settings, intent: str, response: str) -> None:
    messages, events = run(ActionEscalateToDdh(), tracker("noget", intent, municipality="hoeje-taastrup"))
    text, payload = messages[0], messages[-1]
    assert text["response"] == response
    assert text["ddh_phone"] == "70 20 00 00"
    assert text["municipality_name"] == "Høje-Taastrup Kommune"
    assert payload["response"] == "utter_ddh_call_link"
    assert outcomes(events) == [{"kind": "escalation", "reason": escalation_reason(intent)}]


def test_opening_hours_come_from_the_data_files(settings: Settings) -> None:
    messages, _ = run(ActionOpeningHours(), tracker("hvornår har i åbent", "ask_aabningstider"))
    by_response = {m.get("response"): m for m in messages}
    # Kalundborg's hours are not confirmed by a public source: they are never shown as fact.
    assert "utter_opening_hours" not in by_response
    unverified = by_response["utter_hours_unverified"]
    assert unverified["municipality_name"] == "Kalundborg Kommune"
    assert unverified["municipality_phone"] == "59 53 44 00"
    ddh_hours = by_response["utter_ddh_hours"]["ddh_hours"]
    assert "mandag: 08.00–20.00" in ddh_hours and "lørdag: lukket" in ddh_hours and "søndag: 16.00–20.00" in ddh_hours
    source = messages[-1]
    assert source["response"] in ("utter_hours_source", "utter_hours_source_with_booking")
    assert source["municipality_name"] == "Kalundborg Kommune"


WEDNESDAY_EVENING = "2026-11-25 21:00"


@pytest.mark.parametrize(
    ("text", "borgerservice", "ddh"),
    [
        (
            "har i åbent nu",
            ("utter_borgerservice_closed_now", {"next_opening": "i morgen kl. 10.00"}),
            ("utter_ddh_closed_now", {"next_opening": "i morgen kl. 08.00"}),
        ),
        (
            "har i åbent i morgen",
            ("utter_borgerservice_day", {"day": "i morgen", "hours": "kl. 10.00–14.00"}),
            ("utter_ddh_day", {"day": "i morgen", "hours": "kl. 08.00–20.00"}),
        ),
        (
            "aabent paa lørdag?",
            ("utter_borgerservice_closed_day", {"day": "lørdag den 28. november", "reason": ""}),
            ("utter_ddh_closed_day", {"day": "lørdag den 28. november", "reason": ""}),
        ),
        (
            "har i åbent juleaften",
            ("utter_borgerservice_closed_day", {"day": "torsdag den 24. december", "reason": " (juleaftensdag)"}),
            ("utter_ddh_day", {"day": "torsdag den 24. december", "hours": "kl. 08.00–20.00"}),
        ),
        (
            "er der åbent 2. juledag",
            ("utter_borgerservice_closed_day", {"day": "lørdag den 26. december", "reason": " (anden juledag)"}),
            ("utter_ddh_closed_day", {"day": "lørdag den 26. december", "reason": " (anden juledag)"}),
        ),
    ],
)
def test_opening_hours_for_the_day_asked_about(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    borgerservice: tuple[str, dict[str, str]],
    ddh: tuple[str, dict[str, str]],
) -> None:
    from actions import opening_hours

    verified = context.municipality_for(tracker("", "greet")).model_copy(update={"hours_verified": True})
    monkeypatch.setattr(opening_hours, "municipality_for", lambda _tracker: verified)
    monkeypatch.setattr(context, "now", lambda: datetime.fromisoformat(WEDNESDAY_EVENING).replace(tzinfo=COPENHAGEN))
    messages, _ = run(ActionOpeningHours(), tracker(text, "ask_aabningstider"))
    said = [
        (m["response"], {k: m[k] for k in expected})
        for m, (_, expected) in zip(messages, (borgerservice, ddh), strict=False)
    ]
    assert said == [borgerservice, ddh]


def test_unconfirmed_hours_are_never_shown_for_a_day(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "now", lambda: datetime.fromisoformat(WEDNESDAY_EVENING).replace(tzinfo=COPENHAGEN))
    messages, _ = run(ActionOpeningHours(), tracker("har i åbent i morgen", "ask_aabningstider"))
    assert [m.get("response") for m in messages[:2]] == ["utter_hours_unverified", "utter_ddh_day"]


@pytest.mark.parametrize(
    ("moment", "response", "values"),
    [
        ("2026-11-26 10:00", "utter_ddh_open_now", {"closes_at": "kl. 20.00"}),
        ("2026-11-28 10:00", "utter_ddh_closed_now", {"next_opening": "i morgen kl. 16.00"}),
        (
            "2026-12-25 10:00",
            "utter_ddh_closed_holiday",
            {"holiday": "juledag", "next_opening": "søndag den 27. december kl. 16.00"},
        ),
    ],
)
def test_escalation_says_whether_ddh_is_open_now(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, moment: str, response: str, values: dict[str, str]
) -> None:
    monkeypatch.setattr(context, "now", lambda: datetime.fromisoformat(moment).replace(tzinfo=COPENHAGEN))
    messages, _ = run(ActionEscalateToDdh(), tracker("jeg vil tale med et menneske", "request_human"))
    status = messages[1]
    assert status["response"] == response
    assert {k: status[k] for k in values} == values

"""The gateway protects citizens: languages, limits, CORS per municipality, headers, history."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.main import create_app
from core.settings import Settings, get_settings
from kb.municipalities import load_hotline
from tests.fakes import FakeRasa
from tests.unit.bot.api.test_chat import ANSWER_REPLIES, chat

KALUNDBORG_SITE = "https://www.kalundborg.dk"
HTK_SITE = "https://www.htk.dk"


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa(ANSWER_REPLIES)


def client_for(settings: Settings, rasa: FakeRasa, **overrides: object) -> TestClient:
    return TestClient(create_app(settings.model_copy(update=overrides), rasa=rasa))


@pytest.fixture
def client(settings: Settings, rasa: FakeRasa) -> Iterator[TestClient]:
    with client_for(settings, rasa) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("message", "lang", "phrase"),
    [
        ("How do I renew my passport?", "en", "only answer in Danish"),
        ("Wie kann ich meinen Reisepass verlängern?", "de", "nur auf Dänisch"),
        ("Jak mogę odnowić paszport?", "pl", "tylko po duńsku"),
        ("Як мені продовжити паспорт?", "uk", "лише данською"),
        ("كيف يمكنني تجديد جواز السفر؟", "ar", "الدنماركية"),
        ("Comment renouveler mon passeport ?", "en", "only answer in Danish"),  # no French text: English
    ],
)
def test_other_languages_get_a_reply_they_can_read(
    client: TestClient, rasa: FakeRasa, message: str, lang: str, phrase: str
) -> None:
    body = chat(client, message).json()
    first, danish = body["messages"]
    assert phrase in first["text"] and "70 20 00 00" in first["text"]
    assert first["lang"] == lang
    assert first["links"][0]["url"] == "tel:+4570200000"
    assert "kun på dansk" in danish["text"] and danish["lang"] is None
    assert body["escalated"] is True
    assert rasa.received == [], "Rasa's Danish NLU would only guess"


def test_danish_and_norwegian_reach_rasa(client: TestClient, rasa: FakeRasa) -> None:
    assert chat(client, "Hvad koster et pas?").status_code == 200
    assert chat(client, "Hvordan fornyer jeg passet mitt?").status_code == 200
    assert len(rasa.received) == 2


def test_rate_limit_per_session_is_429_in_danish(settings: Settings, rasa: FakeRasa) -> None:
    with client_for(settings, rasa, rate_limit_per_session=3) as client:
        session_id = chat(client, "hej").json()["session_id"]
        assert [chat(client, "pas", session_id).status_code for _ in range(3)] == [200, 200, 200]
        limited = chat(client, "pas", session_id)
        assert limited.status_code == 429
        assert "Vent et øjeblik" in limited.json()["detail"] and "70 20 00 00" in limited.json()["detail"]
        assert int(limited.headers["retry-after"]) >= 1
        assert chat(client, "hej").status_code == 200, "a new conversation has its own budget"
    assert len(rasa.received) == 5


def test_rate_limit_per_client_address(settings: Settings, rasa: FakeRasa) -> None:
    with client_for(settings, rasa, rate_limit_per_client=2) as client:
        assert [chat(client, "hej").status_code for _ in range(3)] == [200, 200, 429]


def test_too_large_body_is_413_in_danish(client: TestClient, rasa: FakeRasa) -> None:
    big = b'{"municipality": "kalundborg", "message": "' + b"a" * 20_000 + b'"}'
    response = client.post("/api/v1/chat", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "for stor" in response.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no content-length: the body is counted as it arrives
        yield big[:10_000]
        yield big[10_000:]

    chunked = client.post("/api/v1/chat", content=chunks(), headers={"content-type": "application/json"})
    assert chunked.status_code == 413 and "for stor" in chunked.json()["detail"]
    from_site = client.post(
        "/api/v1/chat", content=big, headers={"content-type": "application/json", "origin": KALUNDBORG_SITE}
    )
    assert from_site.headers["access-control-allow-origin"] == KALUNDBORG_SITE, "the widget can read why"
    assert rasa.received == []


def test_cors_preflight_only_for_listed_sites(client: TestClient) -> None:
    preflight = {"access-control-request-method": "POST", "access-control-request-headers": "content-type"}
    ok = client.options("/api/v1/chat", headers={"origin": KALUNDBORG_SITE, **preflight})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == KALUNDBORG_SITE
    refused = client.options("/api/v1/chat", headers={"origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in refused.headers


def test_a_site_may_only_chat_for_its_own_municipality(client: TestClient, rasa: FakeRasa) -> None:
    body = {"municipality": "kalundborg", "message": "hej"}
    own = client.post("/api/v1/chat", json=body, headers={"origin": KALUNDBORG_SITE})
    assert own.status_code == 200 and own.headers["access-control-allow-origin"] == KALUNDBORG_SITE
    other = client.post("/api/v1/chat", json=body, headers={"origin": HTK_SITE})
    assert other.status_code == 403 and "Kalundborg Kommune" in other.json()["detail"]
    unknown = client.post("/api/v1/chat", json=body, headers={"origin": "https://evil.example"})
    assert unknown.status_code == 403
    assert len(rasa.received) == 1


def test_extra_origins_from_settings(settings: Settings, rasa: FakeRasa) -> None:
    with client_for(settings, rasa, cors_extra_origins=["http://localhost:3000"]) as client:
        body = {"municipality": "hoeje-taastrup", "message": "hej"}
        assert client.post("/api/v1/chat", json=body, headers={"origin": "http://localhost:3000"}).status_code == 200


def test_security_headers(client: TestClient) -> None:
    for path in ("/api/v1/municipalities/kalundborg", "/"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert client.get("/widget.js").headers["cross-origin-resource-policy"] == "cross-origin"


def test_demo_page_embeds_the_widget_for_the_chosen_municipality(client: TestClient) -> None:
    page = client.get("/", params={"municipality": "hoeje-taastrup"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'data-municipality="hoeje-taastrup"' in page.text and "Høje-Taastrup Kommune" in page.text
    assert "{{" not in page.text
    assert 'data-municipality="kalundborg"' in client.get("/").text
    widget = client.get("/widget.js")
    assert widget.status_code == 200 and widget.headers["content-type"].startswith("text/javascript")
    assert client.get("/", params={"municipality": "atlantis"}).status_code == 422


def test_ddhs_number_comes_from_kb_ddh_yml_in_the_widget_and_the_demo_page(client: TestClient) -> None:
    hotline = load_hotline(get_settings().kb_dir)
    widget = client.get("/widget.js").text
    assert f'const DDH_PHONE = "{hotline.phone}";' in widget and f'url: "{hotline.phone_uri}"' in widget
    assert "{{" not in widget
    assert f'href="{hotline.phone_uri}">{hotline.phone}</a>' in client.get("/").text


def test_history_shows_the_conversation_masked_with_button_titles(client: TestClient) -> None:
    session_id = chat(client, "mit cpr er 010190-1234, hvad koster et pas?").json()["session_id"]
    chat(client, "/affirm", session_id)  # the "Ja" button of ANSWER_REPLIES
    response = client.get(f"/api/v1/chat/{session_id}/history", params={"municipality": "kalundborg"})
    assert response.status_code == 200
    messages = response.json()["messages"]
    roles = [m["role"] for m in messages]
    assert roles == ["citizen", "bot", "bot", "bot", "citizen", "bot", "bot"]
    assert messages[0]["text"] == "mit cpr er [CPR-nummer fjernet], hvad koster et pas?"
    assert messages[1]["text"].startswith("Jeg har fjernet dit CPR-nummer")
    assert messages[2]["links"][0]["url"] == "https://www.borger.dk/pas"
    assert messages[2]["source"]["guide_id"] == "pas-priser"
    assert messages[4]["text"] == "Ja", "a quick reply shows its title, not its payload"
    assert "010190" not in response.text


def test_history_errors_are_danish(client: TestClient) -> None:
    session_id = chat(client, "hej").json()["session_id"]
    url = f"/api/v1/chat/{session_id}/history"
    assert client.get(url, params={"municipality": "hoeje-taastrup"}).status_code == 409
    assert client.get(url).status_code == 422
    unknown = client.get(f"/api/v1/chat/{'0' * 32}/history", params={"municipality": "kalundborg"})
    assert unknown.status_code == 404 and "findes ikke" in unknown.json()["detail"]
    malformed = client.get("/api/v1/chat/xyz/history", params={"municipality": "kalundborg"})
    assert malformed.status_code == 422 and "ugyldigt format" in malformed.json()["detail"]


def test_degraded_turns_are_not_kept_so_a_retry_is_not_doubled(settings: Settings) -> None:
    rasa = FakeRasa(ANSWER_REPLIES)
    with client_for(settings, rasa) as client:
        session_id = chat(client, "hej").json()["session_id"]
        rasa.fail = True
        assert chat(client, "pas", session_id).status_code == 503
        rasa.fail = False
        assert chat(client, "pas", session_id).status_code == 200
        history = client.get(f"/api/v1/chat/{session_id}/history", params={"municipality": "kalundborg"}).json()
    assert [m["text"] for m in history["messages"] if m["role"] == "citizen"] == ["hej", "pas"]

"""The gateway serves the municipality data of the published build: a change is seen without a restart."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.main import create_app
from core.settings import Settings
from kb.index import build_index
from kb.municipalities import load_municipalities
from kb.store import InMemoryGuideStore
from tests.conftest import make_guide
from tests.fakes import FakeEmbedder, FakeRasa


def publish_phone(settings: Settings, phone: str) -> None:
    shipped = load_municipalities(settings.kb_dir)
    data = {**shipped, "kalundborg": shipped["kalundborg"].model_copy(update={"phone": phone})}
    build_index(InMemoryGuideStore([make_guide("pas-pris")]), settings.index_dir, FakeEmbedder(), municipalities=data)


def test_a_published_phone_change_is_served_at_once(settings: Settings) -> None:
    shipped_phone = load_municipalities(settings.kb_dir)["kalundborg"].phone
    with TestClient(create_app(settings, rasa=FakeRasa())) as client:
        assert client.get("/api/v1/municipalities/kalundborg").json()["phone"] == shipped_phone
        publish_phone(settings, "12 34 56 78")
        assert client.get("/api/v1/municipalities/kalundborg").json()["phone"] == "12 34 56 78"
        publish_phone(settings, "87 65 43 21")
        assert client.get("/api/v1/municipalities/kalundborg").json()["phone"] == "87 65 43 21"

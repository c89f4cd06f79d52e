"""Guides in /admin: list and filters, create and edit as draft or published, conflicts, validation, preview."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from kb.content.source import parse_source
from tests.unit.bot.admin.pages import AdminSite, error_summary, make_site


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> AdminSite:
    return make_site(engine, tmp_path)


def new_guide_form(**changes: str) -> dict[str, Any]:
    fields = {
        "id": "pas-kalundborg-weekend",
        "title": "Pas i weekenden",
        "topic": "pas",
        "scope": "kalundborg",
        "questions": "kan jeg hente pas i weekenden\nåbent for pas om lørdagen\npasudlevering søndag",
        "body": "Du kan ikke hente pas i weekenden.\n\n## Hverdage\n\nHent det på en hverdag.",
        "links": "borger.dk | https://www.borger.dk",
        "sources": "https://www.borger.dk",
        "last_reviewed": date.today().isoformat(),
        "owner": "Borgerservice Kalundborg",
        "action": "draft",
    }
    return fields | changes


def test_the_list_shows_only_what_the_user_may_read_and_filters(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    page = browser.get("/admin/").text
    assert "pas-kalundborg-hurtig" in page and "pas-hoeje-taastrup-hurtig" not in page and "pas-pris" in page
    filtered = browser.get("/admin/", params={"topic": "mitid", "q": "mitid"}).text
    assert "pas-pris" not in filtered and "mitid-" in filtered
    only_local = browser.get("/admin/", params={"scope": "kalundborg"}).text
    assert "pas-kalundborg-hurtig" in only_local and "pas-pris" not in only_local
    drafts = browser.get("/admin/", params={"status": "draft"}).text
    assert "Ingen vejledninger passer til filteret." in drafts


def test_a_draft_is_saved_but_never_answers_until_published(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    response = browser.post("/admin/guides/new", new_guide_form())
    assert (
        response.status_code == 303
        and response.headers["location"] == "/admin/guides/pas-kalundborg-weekend?notice=saved"
    )
    assert "pas-kalundborg-weekend" not in [g.id for g in site.content.list_guides()]
    revision = site.content.revision()
    response = browser.post("/admin/guides/pas-kalundborg-weekend/publish")
    assert response.status_code == 303
    assert "pas-kalundborg-weekend" in [g.id for g in site.content.list_guides()]
    assert site.content.revision() > revision
    assert "Vejledningen er udgivet" in browser.get(response.headers["location"]).text


def test_saving_an_edit_keeps_citizens_on_the_published_version(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    page = browser.get("/admin/guides/pas-kalundborg-hurtig").text
    assert 'name="base_version" value="1"' in page
    form = new_guide_form(id="pas-kalundborg-hurtig", body="Ny tekst om hurtigt pas.", base_version="1")
    assert browser.post("/admin/guides/pas-kalundborg-hurtig", form).status_code == 303
    live = {g.id: g for g in site.content.list_guides()}["pas-kalundborg-hurtig"]
    assert live.short_answer == "Du kan få hurtigt pas i Borgerservice."
    form = new_guide_form(
        id="pas-kalundborg-hurtig", body="Ny tekst om hurtigt pas.", base_version="2", action="publish"
    )
    assert browser.post("/admin/guides/pas-kalundborg-hurtig", form).status_code == 303
    live = {g.id: g for g in site.content.list_guides()}["pas-kalundborg-hurtig"]
    assert live.short_answer == "Ny tekst om hurtigt pas."


def test_the_second_of_two_editors_is_refused_and_keeps_their_text(site: AdminSite) -> None:
    first, second = site.browser("kalundborg"), site.browser("admin")
    first.post(
        "/admin/guides/pas-kalundborg-hurtig",
        new_guide_form(id="pas-kalundborg-hurtig", body="Først.", base_version="1"),
    )
    response = second.post(
        "/admin/guides/pas-kalundborg-hurtig",
        new_guide_form(id="pas-kalundborg-hurtig", body="Min egen tekst.", base_version="1"),
    )
    assert response.status_code == 409
    assert "er blevet gemt af kalundborg" in response.text and "Min egen tekst." in response.text
    assert site.content.record("pas-kalundborg-hurtig").latest_version == 2  # type: ignore[union-attr]


def test_problems_are_shown_by_their_fields_and_nothing_is_saved(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    form = new_guide_form(questions="kun ét spørgsmål", links="borger.dk uden adresse", last_reviewed="2020-01-01")
    response = browser.post("/admin/guides/new", form)
    assert response.status_code == 400
    summary = error_summary(response.text)
    assert any(s.startswith("Læs mere-links: Linje 1") for s in summary), summary
    assert 'id="field-links"' in response.text and 'href="#field-links"' in response.text
    assert "kun ét spørgsmål" in response.text  # what was typed stays
    form = new_guide_form(questions="a\nb", last_reviewed="2020-01-01")
    summary = error_summary(browser.post("/admin/guides/new", form).text)
    assert any(s.startswith("Spørgsmål borgerne stiller: skal have mindst 3") for s in summary), summary
    form = new_guide_form(last_reviewed="2020-01-01")
    summary = error_summary(browser.post("/admin/guides/new", form).text)
    assert summary == ["Sidst gennemgået: 2020-01-01 er mere end 12 måneder siden: gennemgå vejledningen"]
    form = new_guide_form(body="Pris: {{gebyr:findes-ikke}}.")
    summary = error_summary(browser.post("/admin/guides/new", form).text)
    assert summary == ["Tekst: gebyret 'findes-ikke' findes ikke i fees.yml"]
    assert site.content.record("pas-kalundborg-weekend") is None


def test_an_oversized_body_is_refused_in_danish(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    response = browser.post("/admin/guides/new", new_guide_form(body="Langt svar. " + "x" * 100_500))
    assert response.status_code == 400
    assert any("vejledningen er for lang" in s for s in error_summary(response.text))
    assert site.content.record("pas-kalundborg-weekend") is None


def test_an_editor_cannot_save_for_another_municipality(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    response = browser.post("/admin/guides/new", new_guide_form(scope="hoeje-taastrup", id="pas-ht-weekend"))
    assert response.status_code == 400
    assert error_summary(response.text) == [
        "Gælder for: Du kan ikke gemme vejledninger for den kommune. Vælg en af dem på listen."
    ]
    response = browser.post("/admin/guides/new", new_guide_form(scope="national", id="pas-national-weekend"))
    assert response.status_code == 400
    assert site.content.record("pas-ht-weekend") is None and site.content.record("pas-national-weekend") is None


def test_script_in_a_guide_is_text_in_the_preview(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    body = "Svar <script>alert(1)</script> og <img src=x onerror=alert(2)>.\n\n## Afsnit\n\nMere."
    fragment = browser.post("/admin/preview", new_guide_form(body=body)).text
    assert "<script>" not in fragment and "<img" not in fragment
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fragment
    assert "Når borgeren spørger om: Afsnit" in fragment


def test_the_preview_shows_each_reply_as_the_citizen_gets_it(site: AdminSite) -> None:
    browser = site.browser("admin")
    page = browser.get("/admin/guides/pas-pris").text
    guide = parse_source(site.content.version("pas-pris", 1).source)  # type: ignore[union-attr]
    assert "Det korte svar" in page and "{{gebyr:" not in page.split('id="preview"')[1]
    assert guide.title in page
    fragment = browser.post("/admin/preview", new_guide_form(questions="")).text
    assert "Forhåndsvisningen kommer, når disse er rettet" in fragment


def test_retire_and_restore(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    assert browser.post("/admin/guides/pas-kalundborg-hurtig/retire").status_code == 303
    assert "pas-kalundborg-hurtig" not in [g.id for g in site.content.list_guides()]
    assert browser.post("/admin/guides/pas-kalundborg-hurtig/restore").status_code == 303
    assert "pas-kalundborg-hurtig" in [g.id for g in site.content.list_guides()]


def test_a_duplicate_is_a_warning_not_a_block(site: AdminSite) -> None:
    site.assistant.duplicate_of = [(parse_source(site.content.version("pas-pris", 1).source), 0.97)]  # type: ignore[union-attr]
    response = site.browser("kalundborg").post("/admin/guides/new", new_guide_form())
    assert response.status_code == 200
    assert "en anden vejledning svarer på det samme" in response.text and "0.970" in response.text
    assert site.content.record("pas-kalundborg-weekend") is not None


def test_the_new_guide_form_takes_questions_from_the_weekly_review(site: AdminSite) -> None:
    page = (
        site.browser("kalundborg")
        .get("/admin/guides/new", params={"questions": "hvornår åbner I\nhar I åbent lørdag"})
        .text
    )
    assert "hvornår åbner I\nhar I åbent lørdag</textarea>" in page


def test_the_body_hint_shows_how_to_write_a_fee(site: AdminSite) -> None:
    page = site.browser("kalundborg").get("/admin/guides/new").text
    assert "Gebyrer skrives {{gebyr:id}}." in page

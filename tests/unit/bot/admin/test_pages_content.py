"""History and rollback, municipality data and its verification, "test a question", users."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.unit.bot.admin.pages import LOCAL_GUIDE, AdminSite, FakeHit, FakeSearch, error_summary, make_site
from tests.unit.bot.admin.test_pages_guides import new_guide_form

OWN = LOCAL_GUIDE["kalundborg"]


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> AdminSite:
    return make_site(engine, tmp_path)


def test_history_lists_every_version_with_who_and_a_diff(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    browser.post(f"/admin/guides/{OWN}", new_guide_form(id=OWN, body="Anden tekst.", base_version="1"))
    page = browser.get(f"/admin/guides/{OWN}/history").text
    assert "Se version 2 og ændringerne" in page and "kalundborg" in page and "system" in page
    diff = browser.get(f"/admin/guides/{OWN}/versions/2").text
    assert '<span class="diff-add"><span class="visually-hidden">Tilføjet: </span>+ Anden tekst.</span>' in diff
    assert "Fjernet: </span>− Du kan få hurtigt pas i Borgerservice.</span>" in diff


def test_rollback_makes_a_new_draft_from_an_old_version(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    browser.post(
        f"/admin/guides/{OWN}", new_guide_form(id=OWN, body="Forkert tekst.", base_version="1", action="publish")
    )
    response = browser.post(f"/admin/guides/{OWN}/versions/1/rollback", {"base_version": "2"})
    assert response.status_code == 303 and "notice=rolled_back" in response.headers["location"]
    record = site.content.record(OWN)
    assert record is not None and record.latest_version == 3 and record.published_version == 2
    assert site.content.version(OWN, 3).source == site.content.version(OWN, 1).source  # type: ignore[union-attr]
    stale = browser.post(f"/admin/guides/{OWN}/versions/2/rollback", {"base_version": "2"})
    assert stale.status_code == 409 and "er blevet gemt af" in stale.text


def municipality_form(**changes: str) -> dict[str, str]:
    fields = {
        "phone": "59 53 44 00",
        "booking_url": "",
        "addresses": "Rådhuset | Holbækvej 141 | 4400 | Kalundborg",
        "hours_monday": "10:00-14:00",
        "hours_tuesday": "10:00-14:00",
        "hours_wednesday": "10:00-14:00",
        "hours_thursday": "10:00-17:00",
        "hours_friday": "10:00-13:00",
        "hours_saturday": "",
        "hours_sunday": "",
        "special_closing_days": "2026-12-24 | Juleaftensdag",
        "hours_note": "",
        "hours_source": "https://www.kalundborg.dk",
        "base_version": "1",
    }
    return fields | changes


def test_verifying_the_hours_records_who_and_when(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    response = browser.post("/admin/municipalities/kalundborg", municipality_form(verified="yes"))
    assert response.status_code == 303
    data = site.content.municipalities()["kalundborg"]
    assert data.hours_verified and data.hours_verified_by == "kalundborg" and data.hours_verified_on == date.today()
    assert data.opening_hours["thursday"] == ["10:00-17:00"]
    page = browser.get("/admin/municipalities/kalundborg").text
    assert "Åbningstiderne er bekræftet" in page and "Botten oplyser dem til borgerne" in page


def test_changing_hours_without_verifying_takes_the_verification_away(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    browser.post("/admin/municipalities/kalundborg", municipality_form(verified="yes"))
    browser.post("/admin/municipalities/kalundborg", municipality_form(phone="59 53 44 01", base_version="2"))
    assert site.content.municipalities()["kalundborg"].hours_verified  # a phone change keeps it
    browser.post("/admin/municipalities/kalundborg", municipality_form(hours_friday="", base_version="3"))
    assert not site.content.municipalities()["kalundborg"].hours_verified


def test_bad_hours_are_shown_by_their_field_and_nothing_is_saved(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    before = site.content.municipality("kalundborg")
    response = browser.post(
        "/admin/municipalities/kalundborg",
        municipality_form(hours_monday="ti til to", special_closing_days="juleaften", addresses="kun et navn"),
    )
    assert response.status_code == 400
    summary = error_summary(response.text)
    assert any(s.startswith("Adresser: Linje 1") for s in summary), summary
    assert any(s.startswith("Særlige lukkedage: Linje 1") for s in summary), summary
    assert "ti til to" in response.text
    assert site.content.municipality("kalundborg") == before
    response = browser.post("/admin/municipalities/kalundborg", municipality_form(hours_monday="ti til to"))
    assert error_summary(response.text) == [
        "Åbningstid mandag: monday: 'ti til to' skal skrives TT:MM-TT:MM, fx 10:00-14:00"
    ]


def test_two_saves_of_the_same_data_refuse_the_second(site: AdminSite) -> None:
    first, second = site.browser("kalundborg"), site.browser("admin")
    assert first.post("/admin/municipalities/kalundborg", municipality_form(phone="11 11 11 11")).status_code == 303
    response = second.post("/admin/municipalities/kalundborg", municipality_form(phone="22 22 22 22"))
    assert response.status_code == 409 and "22 22 22 22" in response.text
    assert site.content.municipalities()["kalundborg"].phone == "11 11 11 11"


def test_testing_a_question_shows_the_decision_and_its_numbers(site: AdminSite) -> None:
    page = site.browser("kalundborg").get("/admin/test", params={"question": "hvad koster et pas"}).text
    assert "Svarer</strong>, fordi en vejledning svarer sikkert nok" in page
    assert "svargrænse 0.75" in page and "0.95" in page and "Et svar." in page
    assert "Med kladden af" not in page


def test_testing_with_a_draft_puts_it_beside_the_published_answer(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    browser.post(f"/admin/guides/{OWN}", new_guide_form(id=OWN, body="Kladdetekst.", base_version="1"))
    page = browser.get("/admin/test", params={"question": "hurtigt pas", "guide": OWN}).text
    assert "Med de udgivne vejledninger" in page and "Med kladden af Pas i weekenden" in page
    assert "Spørger borgeren, hvad de mener</strong>, fordi ingen vejledning er sikker nok" in page
    assert OWN in site.assistant.draft_sets[-1]


def test_testing_an_unclear_question_hands_over_after_no_match(site: AdminSite) -> None:
    site.assistant.published = FakeSearch([FakeHit("pas-pris", "Pas", 0.9, in_scope=-2.0)])
    page = site.browser("admin").get("/admin/test", params={"question": "hvornår tømmes skraldespanden"}).text
    assert "Henviser til Den Digitale Hotline</strong>, fordi spørgsmålet ligger uden for" in page


def test_an_admin_creates_users_and_others_cannot(site: AdminSite) -> None:
    browser = site.browser("admin")
    form = {
        "username": "ny.redaktor",
        "full_name": "Ny",
        "password": "kort",
        "role": "editor",
        "municipality": "kalundborg",
    }
    response = browser.post("/admin/users", form)
    assert response.status_code == 400 and "mindst 12 tegn" in response.text
    assert browser.post("/admin/users", form | {"password": "et-godt-langt-kodeord"}).status_code == 303
    assert site.accounts.find("ny.redaktor") is not None
    assert site.browser("kalundborg").post("/admin/users", form | {"username": "x.y.z"}).status_code == 404
    assert site.accounts.find("x.y.z") is None

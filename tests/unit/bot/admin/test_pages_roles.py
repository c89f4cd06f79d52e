"""Every route by every role: what each may see and do, and that URL guessing across municipalities finds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.unit.bot.admin.pages import LOCAL_GUIDE, AdminSite, make_site

OTHER = LOCAL_GUIDE["hoeje-taastrup"]
OWN = LOCAL_GUIDE["kalundborg"]

# (path, who may read it) for every page with a guide or municipality in its URL.
READ_PAGES = [
    (f"/admin/guides/{OTHER}", {"admin", "taastrup"}),
    (f"/admin/guides/{OTHER}/history", {"admin", "taastrup"}),
    (f"/admin/guides/{OTHER}/versions/1", {"admin", "taastrup"}),
    (f"/admin/test?guide={OTHER}&question=pas", {"admin", "taastrup"}),
    (f"/admin/guides/{OWN}", {"admin", "kalundborg", "leder"}),
    ("/admin/guides/pas-pris", {"admin", "national", "kalundborg", "taastrup", "leder"}),
    ("/admin/municipalities/hoeje-taastrup", {"admin", "taastrup"}),
    ("/admin/municipalities/kalundborg", {"admin", "kalundborg", "leder"}),
    ("/admin/users", {"admin"}),
    ("/admin/guides/findes-ikke", set()),
]
USERS = ["admin", "national", "kalundborg", "taastrup", "leder"]


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> AdminSite:
    return make_site(engine, tmp_path)


@pytest.mark.parametrize("username", USERS)
def test_each_role_reads_exactly_its_own_pages(site: AdminSite, username: str) -> None:
    browser = site.browser(username)
    for path, readers in READ_PAGES:
        status = browser.get(path).status_code
        expected = 200 if username in readers else 404
        assert status == expected, (username, path, status)


def test_a_forbidden_page_looks_exactly_like_a_missing_one(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    forbidden, missing = browser.get(f"/admin/guides/{OTHER}"), browser.get("/admin/guides/pas-findes-ikke")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.text == missing.text


# (path, form, who may do it) for every change a role might try on another's content.
CHANGES = [
    (f"/admin/guides/{OTHER}/retire", {}, {"admin", "taastrup"}),
    (f"/admin/guides/{OTHER}/publish", {}, {"admin", "taastrup"}),
    (f"/admin/guides/{OTHER}/versions/1/rollback", {"base_version": "1"}, {"admin", "taastrup"}),
    ("/admin/guides/pas-pris/retire", {}, {"admin", "national"}),
    ("/admin/municipalities/hoeje-taastrup", {"phone": "11 22 33 44", "base_version": "1"}, {"admin", "taastrup"}),
]


@pytest.mark.parametrize("username", ["national", "kalundborg", "leder"])
def test_changes_to_others_content_are_refused_and_change_nothing(site: AdminSite, username: str) -> None:
    browser = site.browser(username)
    before = (site.content.records(), site.content.municipalities(), site.content.revision())
    for path, form, allowed in CHANGES:
        if username in allowed:
            continue
        assert browser.post(path, form).status_code == 404, (username, path)
    assert (site.content.records(), site.content.municipalities(), site.content.revision()) == before


def test_a_manager_reads_but_changes_nothing(site: AdminSite) -> None:
    browser = site.browser("leder")
    page = browser.get(f"/admin/guides/{OWN}").text
    assert "Gem og udgiv" not in page and "disabled" in page
    assert browser.post(f"/admin/guides/{OWN}/retire").status_code == 404
    assert browser.get("/admin/guides/new").status_code == 404
    assert browser.get("/admin/import").status_code == 404


def test_an_editor_reads_national_guides_but_cannot_change_them(site: AdminSite) -> None:
    browser = site.browser("kalundborg")
    page = browser.get("/admin/guides/pas-pris").text
    assert "Gem og udgiv" not in page and "Træk tilbage" not in page
    assert browser.post("/admin/guides/pas-pris/retire").status_code == 404


def test_export_holds_only_what_the_user_may_read(site: AdminSite) -> None:
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(site.browser("kalundborg").get("/admin/export").content)).namelist()
    assert f"guides/{OWN}.md" in names and f"guides/{OTHER}.md" not in names and "guides/pas-pris.md" in names
    names = zipfile.ZipFile(io.BytesIO(site.browser("national").get("/admin/export").content)).namelist()
    assert f"guides/{OWN}.md" not in names and "guides/pas-pris.md" in names


def test_the_audit_log_of_an_editor_holds_only_their_municipality(site: AdminSite) -> None:
    site.browser("taastrup").post(f"/admin/guides/{OTHER}/retire")
    page = site.browser("kalundborg").get("/admin/audit").text
    assert OTHER not in page
    assert OTHER in site.browser("admin").get("/admin/audit").text

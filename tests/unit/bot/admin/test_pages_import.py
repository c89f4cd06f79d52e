"""Importing into /admin: a spreadsheet of questions and answers (preview, mapping, all or nothing), a guide file."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine

from kb.content.export import export_zip
from tests.unit.bot.admin.pages import LOCAL_GUIDE, AdminSite, make_site

TODAY = date.today().isoformat()
GOOD_ROW = "kan jeg få pas om lørdagen; pas i weekenden; lørdagsåbent pas"


def csv_text(*rows: list[str]) -> str:
    """A semicolon CSV as Danish Excel writes it (cells with ; quoted)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(rows)
    return buffer.getvalue()


HEADER = ["Spørgsmål", "Svar", "Kilde", "Link"]
ROWS = [
    [GOOD_ROW, "Nej, pas udleveres kun på hverdage.", "https://www.borger.dk", "borger.dk | https://www.borger.dk"],
    [
        "hvornår kan jeg hente mit pas; hentes pas; afhentning af pas",
        "Pas kan hentes efter 10 hverdage.",
        "https://www.borger.dk",
        "https://www.borger.dk",
    ],
]
CSV = csv_text(HEADER, *ROWS)


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> AdminSite:
    return make_site(engine, tmp_path)


def upload(site: AdminSite, name: str, data: bytes, username: str = "kalundborg") -> tuple[object, str]:
    browser = site.browser(username)
    response = browser.client.post(
        "/admin/import",
        data={"csrftoken": browser.token(), "scope": "kalundborg", "topic": "pas"},
        files={"file": (name, data)},
    )
    return browser, response.text if response.status_code in (200, 400, 409) else str(response.status_code)


def confirm_form(page: str) -> dict[str, str]:
    """The preview page's hidden fields and selected mappings, as the browser would post them."""
    form = {"table": json.loads(json.dumps(_hidden(page, "table")))}
    form |= {"scope": _hidden(page, "scope"), "topic": _hidden(page, "topic")}
    for name, options in re.findall(r'<select id="field-(map_\w+)"[^>]*>(.*?)</select>', page, re.DOTALL):
        chosen = re.search(r'<option value="(\d*)" selected', options)
        form[name] = chosen.group(1) if chosen else ""
    return form


def _hidden(page: str, name: str) -> str:
    import html

    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert match, name
    return html.unescape(match.group(1))


def test_a_csv_is_previewed_with_a_guessed_mapping_then_imported_as_drafts(site: AdminSite) -> None:
    browser, page = upload(site, "spm.csv", CSV.encode("utf-8"))
    assert "2 rækker" in page and "Importér 2 vejledninger som kladder" in page
    form = confirm_form(page)
    assert form["map_questions"] == "0" and form["map_answer"] == "1" and form["map_source"] == "2"
    response = browser.post("/admin/import/confirm", form)  # type: ignore[attr-defined]
    assert response.status_code == 303, response.text
    record = site.content.record("pas-kan-jeg-fa-pas-om-lordagen")
    assert record is not None and record.status == "draft" and record.municipality == "kalundborg"
    assert len(site.content.records()) == 67 + 2 + 2


def test_one_bad_row_refuses_the_whole_file_with_a_line_by_line_report(site: AdminSite) -> None:
    bad = CSV + csv_text(["kun ét spørgsmål", "Et svar.", "", ""])
    browser, page = upload(site, "spm.csv", bad.encode("utf-8"))
    response = browser.post("/admin/import/confirm", confirm_form(page))  # type: ignore[attr-defined]
    assert response.status_code == 400
    assert "Filen er ikke importeret" in response.text and "Intet er gemt" in response.text
    assert "Linje 4: spørgsmål: skal have mindst 3" in response.text
    assert (
        "Linje 4: link: skal have mindst 1" in response.text and "Linje 4: kilde: skal have mindst 1" in response.text
    )
    assert "Linje 2" not in response.text
    assert len(site.content.records()) == 67 + 2


def test_a_row_whose_guide_exists_refuses_the_file(site: AdminSite) -> None:
    row = [GOOD_ROW, "Svar.", "https://www.borger.dk", "https://www.borger.dk", LOCAL_GUIDE["kalundborg"]]
    data = csv_text([*HEADER, "Id"], row, row)
    browser, page = upload(site, "spm.csv", data.encode())
    response = browser.post("/admin/import/confirm", confirm_form(page))  # type: ignore[attr-defined]
    assert f"Linje 2: id: vejledningen &#39;{LOCAL_GUIDE['kalundborg']}&#39; findes allerede" in response.text
    assert "er også i linje 2" in response.text


def test_an_xlsx_is_read_like_a_csv(site: AdminSite) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Spørgsmål", "Svar", "Kilde", "Link", "Sidst gennemgået"])
    sheet.append([GOOD_ROW, "Nej, kun på hverdage.", "https://www.borger.dk", "https://www.borger.dk", date.today()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    browser, page = upload(site, "spm.xlsx", buffer.getvalue())
    assert "1 rækker" in page and TODAY in page
    assert browser.post("/admin/import/confirm", confirm_form(page)).status_code == 303  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("spm.pdf", b"%PDF", "Vælg en CSV-fil (.csv) eller et Excel-ark (.xlsx)."),
        ("spm.xlsx", b"not a workbook", "Excel-filen kan ikke læses"),
        ("spm.csv", b"kun en overskrift\n", "mindst én række"),
        ("spm.csv", b"a;b\n" + b"x;y\n" * 501, "højst 500 ad gangen"),
    ],
)
def test_unreadable_files_get_a_danish_reason(site: AdminSite, name: str, data: bytes, message: str) -> None:
    _, page = upload(site, name, data)
    assert message in page


def test_a_guide_file_with_broken_front_matter_is_refused(site: AdminSite) -> None:
    _, page = upload(site, "pas-x.md", b"---\nid: [uafsluttet\n---\nTekst")
    assert "metadata er ikke gyldig YAML" in page
    _, page = upload(site, "pas-x.md", b"Ingen metadata her")
    assert "mangler metadata (YAML)" in page


def test_an_exported_guide_file_imports_as_a_draft(site: AdminSite) -> None:
    import zipfile

    guide = next(g for g in site.content.list_guides() if g.id == LOCAL_GUIDE["kalundborg"])
    source = zipfile.ZipFile(io.BytesIO(export_zip([guide]))).read(f"guides/{guide.id}.md").decode()
    renamed = source.replace(f"id: {guide.id}", "id: pas-kalundborg-kopi")
    upload(site, "pas-kalundborg-kopi.md", renamed.encode())
    record = site.content.record("pas-kalundborg-kopi")
    assert record is not None and record.status == "draft"
    _, page = upload(
        site, "kopi.md", renamed.replace("scope: kalundborg", "scope: hoeje-taastrup").replace("kopi", "kopi2").encode()
    )
    assert "en kommune, du ikke redigerer for" in page

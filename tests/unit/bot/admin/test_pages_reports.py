"""/admin/reports: the week's figures, plots and question groups; the drill-down; the group forms;
and who may see which municipality's (404 for the rest, by URL too)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select

from bot.admin.app import create_admin_app
from core.settings import Settings
from kb.content.tables import audit_table
from tests.fakes import FakeEmbedder
from tests.unit.bot.admin.pages import AdminSite, Browser, FakeAssistant, make_site
from tests.unit.bot.analytics import synthetic_week
from tests.unit.bot.analytics.synthetic_week import WEEK
from tests.unit.bot.analytics.turn_rows import insert_turns, turn, utc

OWN = f"/admin/reports?week={WEEK}&municipality=kalundborg"
OTHER = f"/admin/reports?week={WEEK}&municipality=hoeje-taastrup"
KOREKORT = "Hvordan fornyer jeg mit kørekort?"


@dataclass
class ReportAssistant(FakeAssistant):
    """The staff assistant with an embedder: the fake one, so no model is loaded."""

    embedder: FakeEmbedder = field(default_factory=FakeEmbedder)


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> AdminSite:
    seeded = make_site(engine, tmp_path)
    insert_turns(engine, synthetic_week.every_turn())
    assistant = ReportAssistant()
    outer = FastAPI()
    app = create_admin_app(Settings(var_dir=tmp_path / "var"), seeded.content, seeded.accounts, assistant)
    outer.mount("/admin", app)  # type: ignore[arg-type]
    return AdminSite(outer, seeded.content, seeded.accounts, assistant)


def text_of(page: str) -> str:
    """The page's text as a reader gets it: tags out, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def figure_cells(page: str, label: str) -> list[str]:
    """The cells of the figures table's row for ``label``, oldest week first."""
    page = html.unescape(page)
    row = re.search(rf"<tr[^>]*>\s*<th scope=\"row\">(?:(?!</th>).)*{re.escape(label)}.*?</tr>", page, re.DOTALL)
    assert row, label
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(0))


def group_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'action="/admin/reports/groups/(\d+)"', page)]


def test_a_manager_sees_the_weeks_figures_with_the_weeks_before(site: AdminSite) -> None:
    response = site.browser("leder").get(OWN)
    assert response.status_code == 200
    page = response.text
    assert "Ugerapport for Kalundborg Kommune, uge 43, 2026 (19.10.–25.10.)" in text_of(page)
    assert figure_cells(page, "Samtaler") == ["0"] * 7 + ["1", "6"]
    assert figure_cells(page, "Beskeder fra borgere")[-2:] == ["2", "10"]
    assert figure_cells(page, "Andel beskeder uden svar") == ["–"] * 7 + ["50,0 %", "40,0 %"]
    assert figure_cells(page, "Andel samtaler klaret uden en medarbejder")[-1] == "50,0 %"
    assert figure_cells(page, "Bad om en medarbejder")[-1] == "1"
    assert figure_cells(page, "Teknisk fejl")[-1] == "1"
    assert figure_cells(page, "Andel 'Ja' til 'Fik du svar?'")[-1] == "50,0 %"
    assert figure_cells(page, "Engelsk")[-1] == "1"
    assert figure_cells(page, "Andel samtaler, der sluttede med et opklarende spørgsmål")[-1] == "50,0 %"
    assert re.search(r'<a href="/admin/reports"[^>]*aria-current="page">Rapporter</a>', page)


def test_the_page_is_accessible_plots_with_text_and_tables_with_captions(site: AdminSite) -> None:
    page = site.browser("leder").get(OWN).text
    images = re.findall(r"<img [^>]*>", page)
    assert len(images) == 3
    assert all(re.search(r'alt="[^"]{20,}"', img) and 'src="data:image/png;base64,' in img for img in images)
    tables = re.findall(r"<table.*?</table>", page, re.DOTALL)
    assert len(tables) == 4 and all("<caption" in t and 'scope="col"' in t for t in tables)
    labels = set(re.findall(r'<label for="([^"]+)"', page))
    fields = set(re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', page))
    assert fields <= labels  # every visible field is labelled
    assert "Bad om en medarbejder" in text_of(page.split('id="plot-handovers-caption"', 1)[1])


def test_a_topic_narrows_the_figures(site: AdminSite) -> None:
    page = site.browser("leder").get(OWN + "&topic=mitid").text
    assert figure_cells(page, "Samtaler")[-1] == "2"
    assert figure_cells(page, "Andel beskeder uden svar")[-1] == "50,0 %"
    assert site.browser("leder").get(OWN + "&topic=skat").status_code == 404


def test_defaults_are_the_own_municipality_and_the_last_complete_week(site: AdminSite) -> None:
    response = site.browser("leder").get("/admin/reports")
    assert response.status_code == 200 and "Ugerapport for Kalundborg Kommune" in response.text
    assert site.browser("admin").get("/admin/reports").status_code == 200


def test_a_malformed_week_is_explained(site: AdminSite) -> None:
    response = site.browser("leder").get("/admin/reports?week=uge48&municipality=kalundborg")
    assert response.status_code == 400 and "2026-W48" in response.text


READERS = {"admin", "kalundborg", "leder"}


@pytest.mark.parametrize("username", ["admin", "national", "kalundborg", "taastrup", "leder"])
def test_who_may_see_kalundborgs_report(site: AdminSite, username: str) -> None:
    browser = site.browser(username)
    paths = [
        OWN,
        f"/admin/reports/conversations?week={WEEK}&municipality=kalundborg&figure=conversations",
        "/admin/reports/conversations/k1",
    ]
    for path in paths:
        assert browser.get(path).status_code == (200 if username in READERS else 404), (username, path)
    menu = 'href="/admin/reports"' in browser.get("/admin/").text
    assert menu == (username != "national")


def test_a_manager_cannot_reach_another_municipality_by_url(site: AdminSite) -> None:
    browser = site.browser("leder")
    missing = browser.get("/admin/reports?municipality=findes-ikke")
    for path in (
        OTHER,
        f"/admin/reports/conversations?week={WEEK}&municipality=hoeje-taastrup&figure=conversations",
        "/admin/reports/conversations/t1",
    ):
        response = browser.get(path)
        assert response.status_code == 404 and response.text == missing.text, path
    taastrup_groups = group_ids(site.browser("taastrup").get(OTHER).text)
    assert taastrup_groups
    assert browser.post(f"/admin/reports/groups/{taastrup_groups[0]}", {"state": "ignored"}).status_code == 404
    assert "Ny" in site.browser("taastrup").get(OTHER).text  # unchanged


def test_the_drill_down_lists_the_conversations_behind_a_figure(site: AdminSite) -> None:
    browser = site.browser("leder")
    page = browser.get(OWN).text
    link = re.search(r'href="(/admin/reports/conversations\?[^"]*figure=abandonment[^"]*)"', page)
    assert link
    listing = browser.get(html.unescape(link.group(1))).text
    assert re.findall(r'href="/admin/reports/conversations/([^"?]+)"', listing) == ["k3"]
    assert "Samtaler, der sluttede med et opklarende spørgsmål" in text_of(listing)
    handovers = browser.get(f"/admin/reports/conversations?week={WEEK}&municipality=kalundborg&figure=handovers").text
    assert re.findall(r'href="/admin/reports/conversations/([^"?]+)"', handovers) == ["k4", "k7", "k2"]
    assert browser.get(f"/admin/reports/conversations?week={WEEK}&municipality=kalundborg&figure=x").status_code == 404


def test_a_conversation_shows_each_turns_decision(site: AdminSite) -> None:
    page = site.browser("leder").get("/admin/reports/conversations/k1").text
    text = text_of(page)
    assert "Hvad koster et pas?" in text and "Et pas koster 685 kr." in text
    assert "Svar fra en vejledning" in text and "0,93" in text and "Fik du svar? Ja" in text
    assert 'href="/admin/guides/pas-pris"' in page
    assert "Slet samtalen" not in text  # an administrator's act
    k2 = text_of(site.browser("leder").get("/admin/reports/conversations/k2").text)
    assert "Opklarende spørgsmål, For usikkert svar" in k2 and "Overdraget til en medarbejder, Intet sikkert svar" in k2
    assert (
        'action="/admin/reports/conversations/k1/delete"'
        in site.browser("admin").get("/admin/reports/conversations/k1").text
    )
    assert site.browser("leder").get("/admin/reports/conversations/ikke%20et%20id").status_code == 404


def test_the_group_state_form_keeps_the_state(site: AdminSite, engine: Engine) -> None:
    browser = site.browser("kalundborg")
    page = browser.get(OWN).text
    first = group_ids(page)[0]
    assert re.search(rf'id="group-{first}-title">{re.escape(KOREKORT)}<', page)
    response = browser.post(f"/admin/reports/groups/{first}", {"state": "writing", "week": WEEK, "topic": ""})
    assert response.status_code == 303
    target = urlparse(response.headers["location"])
    assert target.path == "/admin/reports" and target.fragment == f"group-{first}"
    assert parse_qs(target.query) == {"week": [WEEK], "municipality": ["kalundborg"], "saved": [str(first)]}
    after = browser.get(response.headers["location"]).text
    assert "Gruppens status er gemt." in after
    assert re.search(r'<option value="writing" selected>Vejledning på vej</option>', after)
    with engine.connect() as conn:
        (row,) = conn.execute(select(audit_table).where(audit_table.c.action == "analytics.group_state")).mappings()
    assert (row["actor"], row["municipality"], row["details"]["state"]) == ("kalundborg", "kalundborg", "writing")


def test_a_resolved_group_names_a_guide_that_exists(site: AdminSite) -> None:
    browser = site.browser("leder")
    first = group_ids(browser.get(OWN).text)[0]
    refused = browser.post(f"/admin/reports/groups/{first}", {"state": "resolved", "guide_id": "pas-findes-ikke"})
    assert refused.status_code == 400 and "pas-findes-ikke" in refused.text
    empty = browser.post(f"/admin/reports/groups/{first}", {"state": "resolved", "guide_id": ""})
    assert empty.status_code == 400 and "id" in text_of(empty.text)
    bad = browser.post(f"/admin/reports/groups/{first}", {"state": "done"})
    assert bad.status_code == 400
    assert (
        browser.post(f"/admin/reports/groups/{first}", {"state": "resolved", "guide_id": "pas-pris"}).status_code == 303
    )
    assert "Løst af en vejledning: pas-pris" in text_of(browser.get(OWN).text)
    assert browser.post("/admin/reports/groups/9999", {"state": "new"}).status_code == 404


def test_a_form_without_the_csrf_token_is_refused(site: AdminSite) -> None:
    browser = site.browser("leder")
    first = group_ids(browser.get(OWN).text)[0]
    response = browser.client.post(f"/admin/reports/groups/{first}", data={"state": "ignored"})
    assert response.status_code == 403
    assert "Ny" in text_of(browser.get(OWN).text)


def test_write_a_guide_for_a_group_opens_the_new_guide_with_its_questions(site: AdminSite, engine: Engine) -> None:
    variant = "Hvornår bliver mit storskrald hentet"
    insert_turns(engine, [turn("k9", 0, utc(2026, 10, 22, 9), "clarification", question=variant)])
    editor: Browser = site.browser("kalundborg")
    page = editor.get(OWN).text
    links = re.findall(r'href="(/admin/guides/new\?questions=[^"]*)"', page)
    assert len(links) == 2
    storskrald = next(html.unescape(link) for link in links if "storskrald" in link)
    questions = parse_qs(urlparse(storskrald).query)["questions"][0]
    assert sorted(questions.split("\n")) == [variant, "Hvornår bliver mit storskrald hentet?"]  # asked once each
    form = editor.get(storskrald)
    assert form.status_code == 200 and variant in form.text
    assert "Skriv en vejledning for denne gruppe" not in site.browser("leder").get(OWN).text  # a manager writes none


def test_the_report_shows_the_notice_a_redirect_asked_for(site: AdminSite) -> None:
    page = site.browser("admin").get(OWN + "&notice=conversation_deleted").text
    assert "Samtalen er slettet" in page

"""The weekly report (`/admin/reports`) in real headless Chromium, against one real stack for the module.

Last complete week's turns (and some of the week before) are written straight into the stack's
``analytics_turns`` for Kalundborg and Høje-Taastrup, as the consumer would write them; a manager
of Kalundborg reads the report. Evidence goes to var/test-output/admin/ (report-1280.png,
report-360.png and axe-report-<width>.json).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.analytics.rows import TurnRow
from bot.analytics.weeks import last_complete_week, shift_week, week_monday
from core.settings import Settings
from kb.content.engine import make_engine
from kb.content.seed import import_shipped
from kb.content.store import SqlContentStore
from ops.database import upgrade
from ops.publishing import publish_content
from ops.stack import Stack
from tests.browser.admin_page import REPORT_USERS, AdminPage, create_user
from tests.browser.conftest import DESKTOP
from tests.integration.conftest import stack_settings
from tests.unit.bot.analytics.turn_rows import CPH, insert_turns, turn

pytestmark = pytest.mark.integration

PHONE = {"width": 360, "height": 740}
NOT_FOUND_TITLE = "Siden findes ikke"
WEEK = last_complete_week(datetime.now(UTC))
LICENCE = ("Hvordan fornyer jeg mit kørekort?", "Hvordan får jeg et nyt kørekort?", "Kan jeg forny kørekortet online?")
BULKY_WASTE = ("Hvornår bliver mit storskrald hentet?", "Hvornår kommer storskraldet?")
TAASTRUP_QUESTION = "Hvor henter jeg en parkeringstilladelse i Taastrup?"
PASSPORT_QUESTION = "Hvad koster et pas?"
PASSPORT_REPLY = "Et pas til en voksen koster 685 kr."


def at(week: str, weekday: int, hour: int, minute: int = 0) -> datetime:
    """A Copenhagen time in the week (weekday 0 = Monday)."""
    day: date = week_monday(week) + timedelta(days=weekday)
    return datetime.combine(day, time(hour, minute), CPH)


def kalundborg_turns() -> list[TurnRow]:
    """A week with answers, feedback, unanswered questions in two groups, hand-overs, another language."""
    w, before = WEEK, shift_week(WEEK, -1)
    rows = [
        turn("rapport-k01", 0, at(w, 0, 10, 30), "answer", topic="pas", guide_id="pas-pris", confidence=0.93,
             question=PASSPORT_QUESTION, replies=(PASSPORT_REPLY,), feedback="ja"),
        turn("rapport-k01", 1, at(w, 0, 10, 32), "answer", topic="pas", guide_id="pas-pris", confidence=0.81,
             question="og for børn?", replies=("Et pas til et barn koster 177 kr.",), feedback="nej"),
        turn("rapport-k02", 0, at(w, 1, 21, 0), "clarification", reason="low_confidence", question=LICENCE[0],
             replies=("Mener du kørekort eller pas?",)),
        turn("rapport-k02", 1, at(w, 1, 21, 1), "escalation", reason="no_answer", question=LICENCE[0],
             replies=("Ring til Den Digitale Hotline på 70 20 00 00.",)),
        turn("rapport-k03", 0, at(w, 2, 9, 15), "clarification", reason="nlu_fallback", question=LICENCE[1]),
        turn("rapport-k04", 0, at(w, 3, 14, 0), "clarification", reason="nlu_fallback", question=LICENCE[2]),
        turn("rapport-k05", 0, at(w, 4, 11, 0), "clarification", reason="nlu_fallback", question=BULKY_WASTE[0]),
        turn("rapport-k06", 0, at(w, 5, 12, 0), "clarification", reason="nlu_fallback", question=BULKY_WASTE[1]),
        turn("rapport-k07", 0, at(w, 6, 17, 0), "other_language", language="en", source="gateway",
             question="How do I renew my passport?", replies=("Jeg svarer kun på dansk.",)),
        turn("rapport-k08", 0, at(w, 0, 8, 10), "escalation", reason="request_human",
             question="Jeg vil tale med et menneske"),
        turn("rapport-k09", 0, at(w, 2, 12, 0), "degraded", source="gateway", question=PASSPORT_QUESTION),
        turn("rapport-k10", 0, at(w, 3, 9, 0), "answer", topic="flytning", guide_id="flytning-anmeld",
             question="Hvordan melder jeg flytning?", feedback="ja"),
        turn("rapport-k11", 0, at(w, 4, 13, 0), "answer", topic="mitid", guide_id="mitid-ny-telefon",
             question="MitID på ny telefon"),
        turn("rapport-k12", 0, at(before, 1, 10, 0), "answer", topic="pas", question=PASSPORT_QUESTION),
        turn("rapport-k13", 0, at(before, 2, 11, 0), "clarification", reason="nlu_fallback", question=LICENCE[0]),
        turn("rapport-k14", 0, at(before, 3, 15, 0), "answer", topic="aabningstider",
             question="Hvornår har Borgerservice åbent?"),
    ]  # fmt: skip
    return rows


def taastrup_turns() -> list[TurnRow]:
    return [
        turn("rapport-t01", 0, at(WEEK, 0, 12, 0), "clarification", municipality="hoeje-taastrup",
             reason="nlu_fallback", question=TAASTRUP_QUESTION),
        turn("rapport-t02", 0, at(WEEK, 1, 9, 0), "answer", municipality="hoeje-taastrup", topic="pas",
             question=PASSPORT_QUESTION),
    ]  # fmt: skip


@dataclass
class ReportStack:
    stack: Stack
    settings: Settings

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.gateway_port}"


@pytest.fixture(scope="module")
def report_stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportStack]:
    """The real stack over the shipped content, the seeded turns and the report's two staff accounts."""
    settings = stack_settings(tmp_path_factory.mktemp("reports") / "var", None)
    upgrade(settings.gateway_database_url)
    engine = make_engine(settings.gateway_database_url)
    try:
        import_shipped(SqlContentStore(engine), settings.kb_dir)
        insert_turns(engine, kalundborg_turns() + taastrup_turns())
    finally:
        engine.dispose()
    publish_content(settings)
    for username in REPORT_USERS:
        create_user(settings, username, users=REPORT_USERS)
    stack = Stack(settings, trained_model)
    try:
        stack.start()
        stack.wait_until_healthy()
        yield ReportStack(stack, settings)
    finally:
        stack.stop()


@pytest.fixture
def open_admin(browser: Any, report_stack: ReportStack) -> Iterator[Callable[..., AdminPage]]:
    """Factory: a fresh browser context logged in as ``username``; no script errors or CSP violations at the end."""
    pages: list[AdminPage] = []
    contexts: list[Any] = []

    def make(username: str = "leder", viewport: dict[str, int] | None = None) -> AdminPage:
        viewport = viewport or DESKTOP
        context = browser.new_context(viewport=viewport, locale="da-DK")
        contexts.append(context)
        page = AdminPage(context.new_page(), report_stack.url, viewport["width"])
        pages.append(page)
        page.login(username)
        return page

    yield make
    problems = [problem for page in pages for problem in page.script_problems]
    for context in contexts:
        context.close()
    assert not problems, "The report had script errors or CSP violations:\n" + "\n".join(problems)


def report_path(municipality: str = "kalundborg", week: str = WEEK) -> str:
    return "/reports?" + urlencode({"week": week, "municipality": municipality})


def open_report(admin: AdminPage, municipality: str = "kalundborg") -> None:
    response = admin.goto(report_path(municipality))
    assert response.status == 200, f"the report answered {response.status}"
    assert admin.heading().startswith("Ugerapport for Kalundborg Kommune")


def main_text(admin: AdminPage) -> str:
    return str(admin.page.locator("main").inner_text()).strip()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_report_passes_axe_and_fits_the_width(
    open_admin: Callable[..., AdminPage], viewport: dict[str, int]
) -> None:
    admin = open_admin(viewport=viewport)
    open_report(admin)
    groups = admin.page.locator("section.group h3")
    assert groups.count() >= 2, "the licence and the bulky waste questions make groups"
    assert TAASTRUP_QUESTION not in admin.page.content()
    check = admin.check("report")
    assert check.screenshot.name == f"report-{viewport['width']}.png" and check.screenshot.stat().st_size > 0
    assert check.violations == [], f"axe found: {check.violations}"
    assert check.scroll_width <= viewport["width"], f"the page is {check.scroll_width} px wide"


def test_the_plots_have_text_alternatives(open_admin: Callable[..., AdminPage]) -> None:
    admin = open_admin()
    open_report(admin)
    plots = admin.page.locator("figure.plot")
    assert plots.count() == 3
    for index in range(plots.count()):
        plot = plots.nth(index)
        alt = str(plot.locator("img").get_attribute("alt") or "").strip()
        title = str(plot.locator("figcaption").inner_text()).strip()
        assert len(alt) > 20 and alt != title, f"plot {title!r} has alt {alt!r}"
        plot.locator("summary").click()
        table = plot.locator("table")
        assert table.is_visible() and table.locator("tbody tr").count() >= 1, f"plot {title!r} has no table"
        assert str(table.locator("caption").inner_text()).strip()


def test_a_figure_drills_down_to_a_masked_transcript(open_admin: Callable[..., AdminPage]) -> None:
    admin = open_admin()
    open_report(admin)
    admin.page.locator("table.figures").get_by_role("link", name="Samtaler", exact=True).click()
    admin.page.wait_for_url("**/admin/reports/conversations?*")
    assert admin.heading() == "Alle ugens samtaler"
    assert "11 samtaler." in main_text(admin), "every Kalundborg conversation of the week, none of Taastrup's"
    assert admin.check("report-conversations").violations == []
    admin.page.locator('a[href$="/reports/conversations/rapport-k01"]').click()
    admin.page.wait_for_url("**/admin/reports/conversations/rapport-k01")
    text = main_text(admin)
    assert PASSPORT_QUESTION in text and PASSPORT_REPLY in text and "pas-pris" in text
    assert admin.check("report-conversation").violations == []


def test_a_group_starts_a_guide_with_its_questions(open_admin: Callable[..., AdminPage]) -> None:
    manager = open_admin("leder")
    open_report(manager)
    assert manager.page.get_by_role("link", name="Skriv en vejledning for denne gruppe").count() == 0
    assert "En redaktør kan skrive en vejledning for gruppen" in main_text(manager)

    editor = open_admin("kalundborg")
    open_report(editor)
    group = editor.page.locator("section.group", has_text=LICENCE[1]).first
    group.get_by_role("link", name="Skriv en vejledning for denne gruppe").click()
    editor.page.wait_for_url("**/admin/guides/new?*")
    questions = editor.page.input_value("#field-questions").splitlines()
    assert set(LICENCE) <= set(questions), questions
    assert not set(BULKY_WASTE) & set(questions)


def test_another_municipalitys_report_is_the_same_404_as_a_missing_page(
    open_admin: Callable[..., AdminPage],
) -> None:
    admin = open_admin()
    missing = admin.goto("/ingen-side-her")
    assert missing.status == 404 and admin.heading() == NOT_FOUND_TITLE
    expected = main_text(admin)
    drill = "/reports/conversations?" + urlencode(
        {"week": WEEK, "municipality": "hoeje-taastrup", "figure": "conversations"}
    )
    for path in (
        report_path("hoeje-taastrup"),
        report_path("findes-ikke"),
        drill,
        "/reports/conversations/rapport-t01",
    ):
        response = admin.goto(path)
        assert response.status == 404, f"{path} answered {response.status}"
        assert main_text(admin) == expected, path
        assert TAASTRUP_QUESTION not in admin.page.content()

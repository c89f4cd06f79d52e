"""Deleting a conversation on request from the staff pages: administrators only (others 404), CSRF-checked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bot.analytics.retention import CONVERSATION_DELETE
from kb.content.audit import entries
from kb.content.engine import make_engine
from tests.unit.bot.admin.pages import AdminSite, make_site
from tests.unit.bot.analytics.conversations import Databases, conversation_id, left, seed

TARGET, OTHER = conversation_id("asked-to-be-forgotten"), conversation_id("someone-else")


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> AdminSite:
    return make_site(engine, tmp_path)


@pytest.fixture
def db(engine: Engine, tmp_path: Path) -> Iterator[Databases]:
    """The stores the admin's settings point at: its own database, Rasa's files under var/."""
    var = tmp_path / "var"
    databases = Databases(
        app=engine,
        tracker=make_engine(f"sqlite:///{var / 'tracker.db'}"),
        broker=make_engine(f"sqlite:///{var / 'events.db'}"),
    )
    databases.prepare()
    for cid in (TARGET, OTHER):
        seed(databases, cid, "kalundborg", datetime.now(UTC) - timedelta(days=3))
    yield databases
    databases.tracker.dispose()
    databases.broker.dispose()


def path(cid: str) -> str:
    return f"/admin/reports/conversations/{cid}/delete"


def held_everywhere(db: Databases, cid: str) -> bool:
    return all(cid in ids for table, ids in left(db).items() if table != "analytics_pending")


def test_an_admin_deletes_a_conversation_everywhere(site: AdminSite, db: Databases) -> None:
    response = site.browser("admin").post(path(TARGET))
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/reports?notice=conversation_deleted"
    assert all(TARGET not in ids for ids in left(db).values()) and held_everywhere(db, OTHER)
    [entry] = [e for e in entries(db.app) if e.action == CONVERSATION_DELETE]
    assert (entry.actor, entry.target, entry.municipality) == ("admin", TARGET, "kalundborg")
    assert entry.details == {"rows": {"tracker": 2, "broker": 2, "analytics": 1, "gateway": 3}}


@pytest.mark.parametrize("username", ["kalundborg", "national", "leder"])
def test_no_other_role_finds_the_route(site: AdminSite, db: Databases, username: str) -> None:
    assert site.browser(username).post(path(TARGET)).status_code == 404
    assert held_everywhere(db, TARGET)


def test_without_the_form_token_nothing_is_deleted(site: AdminSite, db: Databases) -> None:
    browser = site.browser("admin")
    assert browser.client.post(path(TARGET), data={}).status_code == 403
    assert held_everywhere(db, TARGET)


def test_without_a_login_the_browser_is_sent_to_log_in(site: AdminSite, db: Databases) -> None:
    client = TestClient(site.app, base_url="https://testserver", follow_redirects=False)
    client.get("/admin/login")
    response = client.post(path(TARGET), data={"csrftoken": client.cookies["borgerbot_csrf"]})
    assert response.status_code == 303 and response.headers["location"].startswith("/admin/login")
    assert held_everywhere(db, TARGET)


@pytest.mark.parametrize("cid", [conversation_id("never-seen"), "not%20an%20id", "x" * 65])
def test_a_conversation_no_store_holds_is_not_found(site: AdminSite, db: Databases, cid: str) -> None:
    assert site.browser("admin").post(path(cid)).status_code == 404
    assert [e for e in entries(db.app) if e.action == CONVERSATION_DELETE] == []

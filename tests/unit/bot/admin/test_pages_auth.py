"""Logging in and out of /admin: cookies, CSRF, lockout, redirects that stay inside the admin."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.admin.web import CSRF_COOKIE, SESSION_COOKIE
from kb.content.audit import entries
from tests.unit.bot.admin.pages import AdminSite, Browser, error_summary, make_site


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> AdminSite:
    return make_site(engine, tmp_path)


def test_pages_need_a_login_and_come_back_after_it(site: AdminSite) -> None:
    browser = site.browser()
    response = browser.get("/admin/guides/pas-pris")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?next=/admin/guides/pas-pris"
    response = browser.post(
        "/admin/login", {"username": "admin", "password": "et-langt-kodeord-42", "next": "/admin/guides/pas-pris"}
    )
    assert response.status_code == 303 and response.headers["location"] == "/admin/guides/pas-pris"
    assert browser.get("/admin/guides/pas-pris").status_code == 200


def test_the_session_cookie_is_secure_httponly_and_strict(site: AdminSite) -> None:
    browser = site.browser()
    response = browser.login("admin")
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Path=/admin" in cookie


def test_a_wrong_password_is_shown_by_the_field_in_danish(site: AdminSite) -> None:
    response = site.browser().login("admin", "forkert-forkert-forkert")
    assert response.status_code == 400
    assert error_summary(response.text) == ["Adgangskode: Forkert brugernavn eller adgangskode."]
    assert 'aria-invalid="true"' in response.text and 'href="#field-password"' in response.text
    assert response.text.count("<title>Fejl: ") == 1


def test_five_wrong_passwords_lock_the_account(site: AdminSite) -> None:
    browser = site.browser()
    for _ in range(5):
        browser.login("kalundborg", "forkert-forkert-forkert")
    response = browser.login("kalundborg")  # the right password, too late
    assert response.status_code == 400 and "låst i 15 minutter" in response.text


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(site: AdminSite) -> None:
    unknown = site.browser().login("ingen-her", "forkert-forkert-forkert")
    wrong = site.browser().login("admin", "forkert-forkert-forkert")
    assert error_summary(unknown.text) == error_summary(wrong.text)


def test_a_form_without_its_csrf_token_is_refused(site: AdminSite) -> None:
    browser = site.browser("admin")
    response = browser.client.post("/admin/guides/pas-pris/retire", data={})
    assert response.status_code == 403 and "sikkerhedsnøgle" in response.text
    response = browser.client.post("/admin/guides/pas-pris/retire", data={"csrftoken": "forfalsket"})
    assert response.status_code == 403
    assert site.content.record("pas-pris").status == "published"  # type: ignore[union-attr]


def test_a_login_posted_without_any_cookie_is_refused(site: AdminSite) -> None:
    browser = Browser(site.app)
    response = browser.client.post("/admin/login", data={"username": "admin", "password": "et-langt-kodeord-42"})
    assert response.status_code == 403
    assert CSRF_COOKIE not in browser.client.cookies or SESSION_COOKIE not in browser.client.cookies


def test_next_never_leaves_the_admin(site: AdminSite) -> None:
    browser = site.browser()
    for target in ("https://evil.example/", "//evil.example/admin/", "/widget.js", "/admin\\@evil"):
        response = browser.post(
            "/admin/login", {"username": "admin", "password": "et-langt-kodeord-42", "next": target}
        )
        assert response.headers["location"] == "/admin/", target


def test_logout_ends_the_session_and_is_audited(site: AdminSite) -> None:
    browser = site.browser("admin")
    response = browser.post("/admin/logout")
    assert response.status_code == 303 and "notice=logged_out" in response.headers["location"]
    assert browser.get("/admin/").status_code == 303
    actions = [e.action for e in entries(site.content.engine, limit=5)]
    assert "login.logout" in actions and "login.succeeded" in actions

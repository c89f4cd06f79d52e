"""Helpers of the staff page tests: an admin app over a seeded SQLite file, users of every role, a client."""

from __future__ import annotations

import html as html_text
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bot.admin.accounts import AccountStore
from bot.admin.app import create_admin_app
from bot.admin.roles import Role
from bot.admin.web import CSRF_COOKIE
from core.settings import Settings
from kb.content.markdown import compose_source
from kb.content.seed import import_shipped
from kb.content.store import SqlContentStore
from kb.decision import Thresholds
from kb.schema import Guide
from tests.unit.bot.admin.conftest import FAST_HASHER

PASSWORD = "et-langt-kodeord-42"
USERS = {
    "admin": (Role.ADMIN, None),
    "national": (Role.NATIONAL_EDITOR, None),
    "kalundborg": (Role.EDITOR, "kalundborg"),
    "taastrup": (Role.EDITOR, "hoeje-taastrup"),
    "leder": (Role.MANAGER, "kalundborg"),
}
LOCAL_GUIDE = {"kalundborg": "pas-kalundborg-hurtig", "hoeje-taastrup": "pas-hoeje-taastrup-hurtig"}


def local_source(guide_id: str, scope: str, short: str = "Du kan få hurtigt pas i Borgerservice.") -> str:
    return compose_source(
        {
            "id": guide_id,
            "title": f"Hurtigt pas i {scope}",
            "topic": "pas",
            "scope": scope,
            "questions": ["kan jeg få et hurtigt pas", "hvor hurtigt kan jeg få pas", "ekspres pas i kommunen"],
            "links": [{"title": "borger.dk", "url": "https://www.borger.dk"}],
            "sources": ["https://www.borger.dk"],
            "last_reviewed": date.today().isoformat(),
            "owner": "Borgerservice",
        },
        f"{short}\n\n## Pris\n\nDet koster ekstra.",
    )


@dataclass
class FakeHit:
    guide_id: str
    title: str
    confidence: float
    in_scope: float | None = 0.9
    passage_heading: str | None = None
    reply_text: str = "Et svar."


@dataclass
class FakeSearch:
    hits: list[FakeHit]

    def search(self, query: str, municipality: str, **_: Any) -> list[FakeHit]:
        return list(self.hits)


@dataclass
class FakeAssistant:
    """The lazily loaded search tools, without a model: fixed hits and chosen duplicates."""

    published: FakeSearch = field(
        default_factory=lambda: FakeSearch([FakeHit("pas-pris", "Hvad koster et pas?", 0.95)])
    )
    drafted: FakeSearch = field(default_factory=lambda: FakeSearch([FakeHit("pas-pris", "Kladden", 0.4)]))
    thresholds: Thresholds = field(default_factory=lambda: Thresholds(answer=0.75, scope=-0.77))
    duplicate_of: list[tuple[Guide, float]] = field(default_factory=list)
    draft_sets: list[list[str]] = field(default_factory=list)

    def draft(self, guides: list[Guide]) -> FakeSearch:
        self.draft_sets.append(sorted(g.id for g in guides))
        return self.drafted

    def duplicates(self, guide: Guide, others: list[Guide]) -> list[tuple[Guide, float]]:
        return self.duplicate_of


class Browser:
    """A TestClient over HTTPS that logs in and sends the CSRF token with every form, as a browser page does."""

    def __init__(self, app: FastAPI) -> None:
        self.client = TestClient(app, base_url="https://testserver", follow_redirects=False)

    def token(self) -> str:
        if CSRF_COOKIE not in self.client.cookies:
            self.client.get("/admin/login")
        return str(self.client.cookies[CSRF_COOKIE])

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.client.post(path, data={"csrftoken": self.token(), **(data or {})}, **kwargs)

    def login(self, username: str, password: str = PASSWORD) -> Any:
        return self.post("/admin/login", {"username": username, "password": password})


@dataclass
class AdminSite:
    app: FastAPI
    content: SqlContentStore
    accounts: AccountStore
    assistant: FakeAssistant

    def browser(self, username: str | None = None) -> Browser:
        browser = Browser(self.app)
        if username:
            response = browser.login(username)
            assert response.status_code == 303, response.text
        return browser


def make_site(engine: Engine, tmp_path: Path) -> AdminSite:
    settings = Settings(var_dir=tmp_path / "var")
    content = SqlContentStore(engine)
    import_shipped(content, settings.kb_dir)
    for scope, guide_id in LOCAL_GUIDE.items():
        content.save(local_source(guide_id, scope), "system", None, publish=True)
    accounts = AccountStore(engine, hasher=FAST_HASHER)
    for username, (role, municipality) in USERS.items():
        accounts.create_user(username, username.title(), PASSWORD, role, municipality, "test")
    assistant = FakeAssistant()
    outer = FastAPI()
    outer.mount("/admin", create_admin_app(settings, content, accounts, assistant))  # type: ignore[arg-type]
    return AdminSite(outer, content, accounts, assistant)


def error_summary(html: str) -> list[str]:
    """The messages of the page's error summary, as a reader hears them."""
    block = re.search(r'class="error-summary".*?</div>', html, re.DOTALL)
    found = re.findall(r"<li>(?:<a [^>]*>)?(.*?)(?:</a>)?</li>", block.group(0), re.DOTALL) if block else []
    return [html_text.unescape(item) for item in found]

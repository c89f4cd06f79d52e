"""Driving the staff admin (`/admin`) in the browser: users from the CLI, logging in, axe, fit and screenshots.

Evidence goes to var/test-output/admin/ (next to the widget tests' var/test-output/browser/):
`<page>-<width>.png`, `axe-<page>-<width>.json` with every violation, and `publish-to-live.txt`.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from core.settings import Settings
from kb.content.markdown import compose_source
from ops.stack import settings_env
from tests.browser.widget_page import AXE_PATH, PROJECT_ROOT

logger = logging.getLogger(__name__)

OUTPUT_DIR = PROJECT_ROOT / "var" / "test-output" / "admin"
PASSWORD = "et-langt-kodeord-til-browsertesten"
# username -> (role, municipality, full name), created with `python -m bot.admin create-user`.
USERS: dict[str, tuple[str, str | None, str]] = {
    "admin": ("admin", None, "Ada Administrator"),
    "redaktoer": ("national_editor", None, "Nina National"),
    "kalundborg": ("editor", "kalundborg", "Karen Kalundborg"),
    "taastrup": ("editor", "hoeje-taastrup", "Tage Taastrup"),
}
# The weekly report's test (tests/browser/test_reports.py): a manager, who reads the report and writes no
# guide, and an editor of the same municipality, who can start a guide from a question group.
REPORT_USERS: dict[str, tuple[str, str | None, str]] = {
    "leder": ("manager", "kalundborg", "Lene Leder"),
    "kalundborg": USERS["kalundborg"],
}
LOCAL_GUIDES = {"kalundborg": "pas-kalundborg-hurtig", "hoeje-taastrup": "pas-hoeje-taastrup-hurtig"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
GRAVE = ("serious", "critical")
PAGE_TIMEOUT_MS = 180_000  # "Test et spørgsmål" loads the embedding model in the gateway on first use

_AXE = """async tags => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' >> ')),
  }));
}"""
_FOCUSED = """() => {
  const el = document.activeElement;
  return el ? {id: el.id, tag: el.tagName.toLowerCase(), cls: el.className || '',
               name: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 80)} : {};
}"""


def local_source(guide_id: str, scope: str, short: str) -> str:
    """A local guide about fast passports for one municipality (nothing national answers like it)."""
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
        f"{short}\n\n## Hvor hurtigt?\n\nEt hurtigt pas kan tage tre hverdage.",
    )


def create_user(
    settings: Settings,
    username: str,
    password: str = PASSWORD,
    users: dict[str, tuple[str, str | None, str]] = USERS,
) -> None:
    """One staff account of ``users`` through the CLI, in a subprocess with the stack's BORGERBOT_* environment."""
    role, municipality, full_name = users[username]
    argv = [sys.executable, "-m", "bot.admin", "create-user", "--username", username, "--name", full_name]
    argv += ["--role", role, "--password-stdin"]
    if municipality:
        argv += ["--municipality", municipality]
    env = {**os.environ, **settings_env(settings), "PYTHONPATH": str(settings.project_root)}
    done = subprocess.run(
        argv, input=f"{password}\n", env=env, cwd=settings.project_root, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, f"create-user {username} failed ({done.returncode}): {done.stderr}"
    assert f"'{username}'" in done.stdout, done.stdout


def chat_reply(client: httpx.Client, municipality: str, message: str) -> str:
    """What a citizen gets for one message in a new conversation: every bot message's text."""
    response = client.post("/api/v1/chat", json={"municipality": municipality, "message": message})
    response.raise_for_status()
    return "\n".join(m["text"] for m in response.json()["messages"])


def seconds_until_reply_holds(
    client: httpx.Client, municipality: str, message: str, expected: str, started: float, give_up: float = 60.0
) -> float | None:
    """Ask every 0.25 s until a reply holds ``expected``; seconds since ``started``, None after ``give_up`` s."""
    while time.monotonic() - started < give_up:
        if expected in chat_reply(client, municipality, message):
            return time.monotonic() - started
        time.sleep(0.25)
    return None


@dataclass
class PageCheck:
    """What one page at one width showed: axe's violations, the body's width, the screenshot."""

    name: str
    width: int
    violations: list[dict[str, Any]]
    scroll_width: int
    screenshot: Path

    @property
    def grave(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v["impact"] in GRAVE]

    def problems(self) -> list[str]:
        found = [
            f"{self.name} at {self.width} px: {v['id']} ({v['impact']}): {v['help']}; at {', '.join(v['targets'])}"
            for v in self.grave
        ]
        if self.scroll_width > self.width:
            found.append(f"{self.name} at {self.width} px: the page scrolls sideways ({self.scroll_width} px wide)")
        return found


@dataclass
class AdminPage:
    """One browser page on the staff admin of a running gateway."""

    page: Any
    base_url: str
    width: int
    script_problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Before any page script: the admin's CSP forbids inline scripts, so no add_script_tag.
        self.page.add_init_script(path=str(AXE_PATH))
        self.page.set_default_timeout(PAGE_TIMEOUT_MS)
        self.page.on("pageerror", lambda error: self.script_problems.append(f"pageerror: {error}"))
        self.page.on("console", self._on_console)

    def _on_console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.script_problems.append(f"CSP: {message.text}")

    def goto(self, path: str) -> Any:
        return self.page.goto(f"{self.base_url}/admin{path}")

    def login(self, username: str, password: str = PASSWORD) -> None:
        """Through the login form, as staff do."""
        self.goto("/login")
        self.page.fill("#field-username", username)
        self.page.fill("#field-password", password)
        self.page.get_by_role("button", name="Log ind").click()
        self.page.wait_for_url(f"{self.base_url}/admin/")

    def focused(self) -> dict[str, str]:
        result: dict[str, str] = self.page.evaluate(_FOCUSED)
        return result

    def heading(self) -> str:
        return str(self.page.locator("h1").inner_text()).strip()

    def check(self, name: str) -> PageCheck:
        """axe-core (WCAG 2.1 A and AA) on the page as shown, its width, and a full-page screenshot."""
        OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
        violations: list[dict[str, Any]] = self.page.evaluate(_AXE, AXE_TAGS)
        report = OUTPUT_DIR / f"axe-{name}-{self.width}.json"
        report.write_text(json.dumps(violations, ensure_ascii=False, indent=2), encoding="utf-8")
        minor = [f"{v['id']} ({v['impact']})" for v in violations if v["impact"] not in GRAVE]
        if minor:
            logger.warning("admin_browser.axe_minor", extra={"page": name, "width": self.width, "violations": minor})
        scroll_width = int(self.page.evaluate("() => document.documentElement.scrollWidth"))
        shot = OUTPUT_DIR / f"{name}-{self.width}.png"
        self.page.screenshot(path=str(shot), full_page=True, animations="disabled")
        return PageCheck(name, self.width, violations, scroll_width, shot)

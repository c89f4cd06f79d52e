"""The staff pages' rendering: Jinja2 templates (autoescaped), the CSRF token, HTML error pages.

Every page is rendered on the server; the only script is `static/admin.js` (the live preview),
and every form works without it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from bot.admin.roles import ROLE_LABELS
from kb.hours import COPENHAGEN

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["role_labels"] = ROLE_LABELS


def _local(moment: datetime, pattern: str) -> str:
    """A stored UTC time as staff read it: Copenhagen time."""
    return moment.astimezone(COPENHAGEN).strftime(pattern)


templates.env.filters["local"] = lambda m: _local(m, "%Y-%m-%d %H.%M")
templates.env.filters["local_seconds"] = lambda m: _local(m, "%Y-%m-%d %H.%M.%S")
templates.env.filters["local_date"] = lambda m: _local(m, "%Y-%m-%d")
templates.env.filters["local_time"] = lambda m: _local(m, "%H.%M")
# The admin is mounted under /admin; links are written with this prefix.
PREFIX = "/admin"
SESSION_COOKIE = "borgerbot_admin"
CSRF_COOKIE = "borgerbot_csrf"
CSRF_FIELD = "csrftoken"


class LoginRequiredError(Exception):
    """No valid staff session: the page answers with a redirect to the login page."""


class PageError(Exception):
    """A staff page that cannot be shown: an HTML error page with a Danish explanation."""

    def __init__(self, status_code: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.title = title
        self.message = message


def not_found() -> PageError:
    """Missing and forbidden look the same, so guessing a URL reveals nothing."""
    return PageError(404, "Siden findes ikke", "Siden findes ikke, eller du har ikke adgang til den.")


def csrf_token(request: Request) -> str:
    """The form token asgi-csrf issues for this browser (a function on the scope)."""
    issue = request.scope.get("csrftoken")
    return str(issue()) if callable(issue) else ""


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """One staff page: the template with the user, the CSRF token and the prefix filled in."""
    context.setdefault("user", getattr(request.state, "staff_user", None))
    context.setdefault("notice", notice_text(request))
    return templates.TemplateResponse(
        request,
        template,
        {"csrf_field": CSRF_FIELD, "csrf_token": csrf_token(request), "prefix": PREFIX, **context},
        status_code=status_code,
        headers={"cache-control": "no-store"},
    )


# What a page says after a change; the URL carries only the key, so nobody can put words in our mouth.
NOTICES = {
    "saved": "Kladden er gemt. Borgerne ser den først, når du udgiver den.",
    "published": "Vejledningen er udgivet. Borgerne får den nye tekst inden for få sekunder.",
    "retired": "Vejledningen er trukket tilbage. Den svarer ikke længere borgerne.",
    "restored": "Vejledningen er genoprettet som kladde. Udgiv den, når den er klar.",
    "rolled_back": "Den gamle version er gendannet som en ny kladde. Udgiv den, når den er klar.",
    "municipality_saved": "Kommunens oplysninger er gemt. Borgerne ser dem inden for få sekunder.",
    "imported": "Filen er importeret. Vejledningerne er gemt som kladder.",
    "user_created": "Brugeren er oprettet.",
    "user_changed": "Brugeren er ændret.",
    "logged_out": "Du er logget ud.",
    "conversation_deleted": "Samtalen er slettet alle de steder, den var gemt.",
}


def redirect(path: str, notice: str | None = None) -> RedirectResponse:
    """See-other to an admin path after a POST (so a reload never posts twice)."""
    target = f"{PREFIX}{path}"
    if notice:
        assert notice in NOTICES, notice
        target += ("&" if "?" in target else "?") + f"notice={notice}"
    return RedirectResponse(target, status_code=303)


def notice_text(request: Request) -> str | None:
    """The notice a redirect asked for, if it is one of ours."""
    return NOTICES.get(request.query_params.get("notice", ""))

"""The staff admin as an ASGI app the gateway mounts at ``/admin``, behind CSRF protection.

Every POST must carry the form token asgi-csrf issues (double-submit cookie, signed with the
configured secret); the session cookie is HttpOnly, SameSite=Strict and Secure.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

from asgi_csrf import asgi_csrf
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Scope, Send

from bot.admin.accounts import AccountStore
from bot.admin.assistant import StaffAssistant
from bot.admin.csrf import CSRF_FAILED, SIGNING_NAMESPACE, UPLOAD_PATHS
from bot.admin.routes import auth, conversations_admin, guides, history, municipalities, tester, transfer, users
from bot.admin.routes.reports import router as reports_router
from bot.admin.web import CSRF_COOKIE, HERE, PREFIX, LoginRequiredError, PageError, page, templates
from core.settings import Settings
from kb.content.engine import make_engine
from kb.content.store import SqlContentStore

logger = logging.getLogger(__name__)


def signing_secret(settings: Settings) -> str:
    """The configured secret; in development one is made once and kept in var/ (never in production)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    if settings.environment == "production":
        raise RuntimeError("BORGERBOT_SECRET_KEY must be set when BORGERBOT_ENVIRONMENT=production")
    path: Path = settings.var_dir / "admin-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _multipart_upload(scope: Scope) -> bool:
    """File uploads are checked by the route itself (bot.admin.csrf): asgi-csrf 0.11 cannot parse
    multipart bodies with python-multipart >= 0.0.26 (simonw/asgi-csrf#38), and older releases have CVEs."""
    headers = dict(scope.get("headers") or [])
    content_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip()
    return content_type == b"multipart/form-data" and scope.get("path") in UPLOAD_PATHS


async def _csrf_failed(scope: Scope, send: Send, message_id: Any) -> None:
    logger.warning("admin.csrf_failed", extra={"path": scope.get("path"), "reason": str(message_id)})
    body = (
        templates.get_template("error.html")
        .render(title="Formularen er udløbet", message=CSRF_FAILED, prefix=PREFIX, user=None, notice=None)
        .encode()
    )
    await send(
        {"type": "http.response.start", "status": 403, "headers": [(b"content-type", b"text/html; charset=utf-8")]}
    )
    await send({"type": "http.response.body", "body": body})


def _install_handlers(app: FastAPI) -> None:
    async def login_required(request: Request, exc: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = f"{PREFIX}/"
        return RedirectResponse(f"{PREFIX}/login?next={quote(target)}", status_code=303)

    async def page_error(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, PageError)
        return page(request, "error.html", status_code=exc.status_code, title=exc.title, message=exc.message)

    async def http_error(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 405:
            return page(
                request, "error.html", 405, title="Det kan man ikke her", message="Siden kan ikke bruges sådan."
            )
        return page(
            request,
            "error.html",
            exc.status_code,
            title="Siden findes ikke",
            message="Siden findes ikke, eller du har ikke adgang til den.",
        )

    async def invalid_request(request: Request, exc: Exception) -> HTMLResponse:
        return page(
            request,
            "error.html",
            400,
            title="Forespørgslen er ugyldig",
            message="Siden fik en værdi, den ikke kan bruge. Gå tilbage, og prøv igen.",
        )

    app.add_exception_handler(LoginRequiredError, login_required)
    app.add_exception_handler(PageError, page_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)


def make_admin(settings: Settings) -> ASGIApp:
    """The staff pages over the configured database (its tables made by `ops.database.upgrade`)."""
    engine = make_engine(settings.gateway_database_url)
    return create_admin_app(settings, SqlContentStore(engine), AccountStore(engine))


def create_admin_app(
    settings: Settings, content: SqlContentStore, accounts: AccountStore, assistant: StaffAssistant | None = None
) -> ASGIApp:
    """The staff pages over the given stores; the gateway mounts the result at ``/admin``."""
    app = FastAPI(title="Borgerbot – redaktion", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.content = content
    app.state.accounts = accounts
    app.state.assistant = assistant or StaffAssistant(settings)
    # Read (or, in development, made) once: asgi-csrf and the upload route's check share it.
    app.state.csrf_secret = signing_secret(settings)
    _install_handlers(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (auth, guides, history, municipalities, tester, transfer, users, conversations_admin):
        app.include_router(module.router)
    app.include_router(reports_router)  # the weekly review (issue 15)
    protected: ASGIApp = asgi_csrf(
        app,
        cookie_name=CSRF_COOKIE,
        signing_secret=app.state.csrf_secret,
        signing_namespace=SIGNING_NAMESPACE,
        cookie_path=PREFIX,
        cookie_secure=settings.admin_cookie_secure,
        cookie_samesite="Strict",
        # A login form posted with no cookie at all is refused too (asgi-csrf skips cookieless posts otherwise).
        always_protect={f"{PREFIX}/login", "/login"},
        send_csrf_failed=_csrf_failed,
        skip_if_scope=_multipart_upload,
    )
    return protected

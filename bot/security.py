"""The gateway's protective layers: body size limit, security headers, CORS per municipality.

Pure ASGI middleware, so a too-large body is refused before any of it is read into memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot import messages

# The gateway's own pages (demo page, widget) load nothing from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    # Citizens' pages on the municipality's site are nobody else's business.
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
# FastAPI's interactive docs load Swagger UI from a CDN; a strict policy would blank them.
_DOCS_PATHS = ("/docs", "/redoc")
# The widget script is loaded by municipalities' pages on other origins.
_CROSS_ORIGIN_PATHS = ("/widget.js",)


def _json_error(status: int, detail: str, headers: Iterable[tuple[bytes, bytes]] = ()) -> tuple[Message, Message]:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
    }
    return start, {"type": "http.response.body", "body": body}


class SecurityHeadersMiddleware:
    """Adds no-sniff, referrer and permissions policies to every response, and a CSP to our pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = dict(SECURITY_HEADERS)
                if not path.startswith(_DOCS_PATHS):
                    extra["content-security-policy"] = CONTENT_SECURITY_POLICY
                if path in _CROSS_ORIGIN_PATHS:
                    extra["cross-origin-resource-policy"] = "cross-origin"
                headers += [(k.encode(), v.encode()) for k, v in extra.items() if k.encode() not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _BodyTooLargeError(Exception):
    pass


class BodySizeLimitMiddleware:
    """Refuses request bodies above ``max_bytes`` with 413 and a Danish message.

    ``larger`` gives paths under a prefix a higher limit (the staff pages post whole guides and files).
    """

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.larger = larger or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = next(
            (size for prefix, size in self.larger.items() if path == prefix or path.startswith(f"{prefix}/")),
            self.default_max_bytes,
        )
        await self._limited(scope, receive, send, limit)

    async def _limited(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
            await self._refuse(send, max_bytes)
            return
        received = 0
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes and not refused:
                    # A chunked body grew past the limit: answer now, drop what the app answers.
                    refused = True
                    await self._refuse(send, max_bytes)
                    raise _BodyTooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _BodyTooLargeError:
            pass

    async def _refuse(self, send: Send, max_bytes: int) -> None:
        start, body = _json_error(413, messages.BODY_TOO_LARGE.format(limit=max_bytes))
        await send(start)
        await send(body)


def origin_allowed(origin: str | None, allowed: Iterable[str], own_origin: str) -> bool:
    """A browser's Origin may call for a municipality: none (not a browser), ours, or one it lists."""
    if origin is None:
        return True
    normalized = origin.rstrip("/").lower()
    return normalized == own_origin.rstrip("/").lower() or normalized in {a.rstrip("/").lower() for a in allowed}


def all_allowed_origins(per_municipality: Iterable[Iterable[str]], extra: Iterable[str]) -> list[str]:
    """The union for CORS preflights; each request is then checked against its own municipality."""
    union: set[str] = {o.rstrip("/").lower() for o in extra}
    for origins in per_municipality:
        union |= {o.rstrip("/").lower() for o in origins}
    return sorted(union)

"""The CSRF rule for file uploads, which the route checks itself (asgi-csrf checks every other form).

The same double-submit rule as asgi-csrf: the form's first field must equal the browser's CSRF
cookie, and the cookie must carry our signature.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer

from bot.admin.web import CSRF_COOKIE, CSRF_FIELD, PREFIX, PageError

SIGNING_NAMESPACE = "borgerbot-admin-csrf"
# Posts with a file: asgi-csrf skips them (see bot.admin.app), the route calls require_form_token.
UPLOAD_PATHS = frozenset({f"{PREFIX}/import"})
CSRF_FAILED = (
    "Formularen kunne ikke sendes, fordi dens sikkerhedsnøgle mangler eller er for gammel. "
    "Gå tilbage, genindlæs siden, og prøv igen. Tillad cookies fra denne side."
)


def require_form_token(request: Request, form: Mapping[str, object]) -> None:
    """403 unless the posted token equals the signed CSRF cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    posted = form.get(CSRF_FIELD)
    secret: str = request.app.state.csrf_secret
    try:
        URLSafeSerializer(secret).loads(cookie, SIGNING_NAMESPACE)
    except BadSignature as exc:
        raise PageError(403, "Formularen er udløbet", CSRF_FAILED) from exc
    if not isinstance(posted, str) or not secrets.compare_digest(posted, cookie):
        raise PageError(403, "Formularen er udløbet", CSRF_FAILED)

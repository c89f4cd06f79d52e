"""Exception handlers: every error is an honest status with a Danish ``detail``."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot import messages

logger = logging.getLogger(__name__)

_FIELD_PROBLEMS = {
    "missing": "feltet '{field}' mangler",
    "string_type": "feltet '{field}' skal være tekst",
    "model_attributes_type": "forespørgslen skal være et JSON-objekt",
    "dict_type": "forespørgslen skal være et JSON-objekt",
}
_STATUS_DETAILS = {404: messages.NOT_FOUND, 405: messages.METHOD_NOT_ALLOWED}


def describe_validation_errors(exc: RequestValidationError) -> tuple[int, str]:
    """Status and Danish detail for a request FastAPI could not validate."""
    problems = []
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            return status.HTTP_400_BAD_REQUEST, messages.INVALID_JSON
        location = [str(part) for part in error.get("loc", ()) if part != "body"]
        field = ".".join(location) or "body"
        template = _FIELD_PROBLEMS.get(error.get("type", ""), "feltet '{field}' har en ugyldig værdi")
        problems.append(template.format(field=field))
    return status.HTTP_422_UNPROCESSABLE_CONTENT, messages.INVALID_REQUEST.format(problems="; ".join(problems))


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    code, detail = describe_validation_errors(exc)
    logger.info("http.invalid_request", extra={"path": request.url.path, "status": code})
    return JSONResponse(status_code=code, content={"detail": detail})


async def _http_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    # Our own HTTPExceptions carry a Danish detail; Starlette's (unknown route, wrong
    # method) carry the English status phrase, which is replaced by a Danish one.
    detail = str(exc.detail)
    if detail == HTTPStatus(exc.status_code).phrase:
        detail = _STATUS_DETAILS.get(exc.status_code, detail)
    return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=exc.headers)


async def _unexpected_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("http.unexpected_error", extra={"path": request.url.path})
    return JSONResponse(
        status_code=500, content={"detail": messages.with_ddh(messages.INTERNAL_ERROR, request.app.state.hotline)}
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(Exception, _unexpected_handler)

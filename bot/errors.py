"""Exception handlers: every error is an honest status with a Danish ``detail``.

A detail may echo the caller's input (an unknown municipality's slug); lone surrogates in it are
replaced, so echoing hostile input is never a failure to write the answer. The OpenAPI schema says
the same: FastAPI's default 422 (a list of validation errors) is replaced by ``ErrorResponse``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot import messages
from bot.schemas import ErrorResponse
from bot.text_input import encodable

logger = logging.getLogger(__name__)

_FIELD_PROBLEMS = {
    "missing": "feltet '{field}' mangler",
    "string_type": "feltet '{field}' skal være tekst",
    "model_attributes_type": "forespørgslen skal være et JSON-objekt",
    "dict_type": "forespørgslen skal være et JSON-objekt",
}
_STATUS_DETAILS = {404: messages.NOT_FOUND, 405: messages.METHOD_NOT_ALLOWED}
# FastAPI's own English details: a body that is not UTF-8 never reaches the JSON parser.
_FRAMEWORK_DETAILS = {"There was an error parsing the body": messages.INVALID_JSON}


def error_response(status_code: int, detail: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The JSON error answer every handler gives: ``{"detail": <Danish text>}``."""
    return JSONResponse(status_code=status_code, content={"detail": encodable(detail)}, headers=headers)


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
    return error_response(code, detail)


async def _http_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    # Our own HTTPExceptions carry a Danish detail; Starlette's (unknown route, wrong method)
    # carry the English status phrase and FastAPI's an English sentence: both become Danish.
    detail = _FRAMEWORK_DETAILS.get(str(exc.detail), str(exc.detail))
    if detail == HTTPStatus(exc.status_code).phrase:
        detail = _STATUS_DETAILS.get(exc.status_code, detail)
        # A path nothing serves: probes and broken links, worth seeing (the log line is bounded).
        extra = {"path": request.url.path, "method": request.method, "status": exc.status_code}
        logger.info("http.no_route", extra=extra)
    return error_response(exc.status_code, detail, exc.headers)


async def _unexpected_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("http.unexpected_error", extra={"path": request.url.path})
    return error_response(500, messages.with_ddh(messages.INTERNAL_ERROR, request.app.state.hotline))


_FASTAPI_422 = "#/components/schemas/HTTPValidationError"


def document_error_shape(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI schema with every 422 documented as what ``_validation_handler`` sends."""
    ours = {"$ref": "#/components/schemas/ErrorResponse"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            content = operation.get("responses", {}).get("422", {}).get("content", {}).get("application/json", {})
            if content.get("schema") == {"$ref": _FASTAPI_422}:
                content["schema"] = ours
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorResponse", ErrorResponse.model_json_schema())
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def install_error_handlers(app: FastAPI) -> None:
    """Danish JSON errors for invalid requests, HTTP errors and the unexpected; documented as such."""
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(Exception, _unexpected_handler)
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        # FastAPI builds the schema once and caches it on the app; it is corrected on that first build.
        if app.openapi_schema is None:
            app.openapi_schema = document_error_shape(default_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

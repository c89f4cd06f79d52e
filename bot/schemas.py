"""Request and response models of the public API (they document the OpenAPI schema)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from core.payload import Link, Source

SESSION_ID_PATTERN = r"^[0-9a-f]{32}$"


class ChatRequest(BaseModel):
    """A citizen's message. Omit session_id to start a new conversation."""

    session_id: str | None = Field(default=None, description="32 hex characters, as issued by the gateway")
    municipality: str = Field(description="Municipality slug, e.g. 'kalundborg'", examples=["kalundborg"])
    message: str = Field(
        description=(
            "The citizen's text, at most 2,000 characters once invisible characters are removed: invalid "
            "Unicode, control, bidirectional, zero-width and format characters are dropped (line breaks and "
            "tabs become spaces) and the text is NFC-normalised. Nothing visible left is 422."
        ),
        examples=["Hvad koster et pas?"],
    )


class Button(BaseModel):
    title: str
    payload: str


class BotMessage(BaseModel):
    text: str
    buttons: list[Button] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    source: Source | None = Field(default=None, description="The guide or data the answer comes from")
    lang: str | None = Field(default=None, description="Language of the text when it is not Danish (ISO 639-1)")


class ChatResponse(BaseModel):
    session_id: str
    messages: list[BotMessage]
    escalated: bool = Field(description="True when the citizen was handed to Den Digitale Hotline")
    degraded: bool = Field(default=False, description="True when the assistant could not answer for technical reasons")


class HistoryMessage(BotMessage):
    role: Literal["citizen", "bot"] = Field(description="Who wrote it; a citizen's quick reply shows its title")


class HistoryResponse(BaseModel):
    session_id: str
    municipality: str
    messages: list[HistoryMessage]


class ComponentHealth(BaseModel):
    ok: bool
    detail: str = Field(
        description="'ok', or what is wrong in plain words: 'starting: unreachable (connection refused), 12 s after "
        "the gateway started', 'unreachable (connection refused); last answered a health check 8 s ago', "
        "'not responding (no answer within 3 s)', 'error (HTTP 500)'",
        examples=["unreachable (connection refused); last answered a health check 8 s ago"],
    )


class HealthResponse(BaseModel):
    status: str = Field(description="'ok', or 'degraded' (with status 503) when Rasa or the action server is down")
    components: dict[str, ComponentHealth] = Field(description="gateway, rasa and action_server")


class MunicipalityOut(BaseModel):
    slug: str
    name: str
    phone: str
    website: str
    booking_url: str | None
    hours_verified: bool
    addresses: list[dict[str, str]]
    opening_hours: dict[str, list[str]]
    special_closing_days: list[dict[str, str]]


class ErrorResponse(BaseModel):
    detail: str

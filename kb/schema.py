"""The guide format: Markdown with YAML front matter, parsed into a typed model."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import yaml
from pydantic import BaseModel, Field, HttpUrl, ValidationError, field_validator

from core.topics import Topic

_FRONT_MATTER = re.compile(r"\A---\s*\n(?P<meta>.*?)\n---\s*\n(?P<body>.*)\Z", re.DOTALL)


# pydantic's error types in the words a guide editor reads; others keep pydantic's message.
_DANISH_ERRORS = {
    "missing": "feltet mangler",
    "string_type": "skal være tekst",
    "string_too_short": "må ikke være tomt",
    "too_short": "skal have mindst {min_length}",
    "list_type": "skal være en liste",
    "url_parsing": "er ikke en gyldig webadresse (https://…)",
    "url_scheme": "skal begynde med http:// eller https://",
    "date_from_datetime_parsing": "er ikke en gyldig dato (ÅÅÅÅ-MM-DD)",
    "date_parsing": "er ikke en gyldig dato (ÅÅÅÅ-MM-DD)",
    "date_type": "er ikke en gyldig dato (ÅÅÅÅ-MM-DD)",
    "literal_error": "skal være en af: {expected}",
    "string_pattern_mismatch": "må kun indeholde små bogstaver a-z, tal og bindestreg",
    "bool_type": "skal være true eller false",
    "dict_type": "skal være en samling af felter",
}


def danish_message(error: Mapping[str, Any]) -> str:
    """A pydantic error in Danish; our own validators already raise Danish messages."""
    context = error.get("ctx") or {}
    if error["type"] == "value_error":
        return str(context.get("error", error["msg"]))
    template = _DANISH_ERRORS.get(error["type"])
    if template is None:
        return str(error["msg"])
    # pydantic lists choices as "'a', 'b' or 'c'".
    return template.format(**{key: str(value).replace(" or ", " eller ") for key, value in context.items()})


def danish_problems(error: ValidationError) -> list[tuple[str, str]]:
    """(field, Danish message) for every problem pydantic found."""
    return [(".".join(str(part) for part in e["loc"]) or "(fil)", danish_message(e)) for e in error.errors()]


class GuideFormatError(ValueError):
    """A guide file that cannot be parsed; the message names the problem."""


class Link(BaseModel):
    title: str = Field(min_length=1)
    url: HttpUrl


class Guide(BaseModel):
    """One curated answer guide, as staff write it."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    topic: Topic
    scope: str = Field(pattern=r"^[a-z0-9-]+$")
    questions: list[str] = Field(min_length=3)
    links: list[Link] = Field(min_length=1)
    sources: list[HttpUrl] = Field(min_length=1)
    last_reviewed: date
    owner: str = Field(min_length=1)
    body: str = Field(min_length=1)

    @field_validator("body")
    @classmethod
    def _body_starts_with_answer(cls, body: str) -> str:
        if body.lstrip().startswith("#"):
            raise ValueError("teksten skal begynde med det korte svar, ikke med en overskrift")
        return body.strip()

    @property
    def short_answer(self) -> str:
        """The first paragraph of the body: the answer the bot shows."""
        return self.body.split("\n\n", 1)[0].strip()

    @property
    def content_hash(self) -> str:
        """Stable id of this exact content: changes whenever any field changes."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def search_text(self) -> str:
        """The text the lexical index sees: title, citizens' questions and body."""
        return "\n".join([self.title, *self.questions, self.body])


def parse_guide(text: str) -> Guide:
    """Parse one guide file's text; raises GuideFormatError or pydantic's ValidationError."""
    match = _FRONT_MATTER.match(text)
    if not match:
        raise GuideFormatError("mangler metadata (YAML) mellem to linjer med '---' øverst i filen")
    try:
        meta = yaml.safe_load(match.group("meta")) or {}
    except yaml.YAMLError as exc:
        raise GuideFormatError(f"metadata er ikke gyldig YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise GuideFormatError("metadata skal være en liste af felter (navn: værdi)")
    return Guide.model_validate({**meta, "body": match.group("body")})

"""The guide format: Markdown with YAML front matter, parsed into a typed model."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Literal

import yaml
from pydantic import BaseModel, Field, HttpUrl, field_validator

Topic = Literal["pas", "flytning", "mitid", "aabningstider"]
TOPICS: tuple[Topic, ...] = ("pas", "flytning", "mitid", "aabningstider")

_FRONT_MATTER = re.compile(r"\A---\s*\n(?P<meta>.*?)\n---\s*\n(?P<body>.*)\Z", re.DOTALL)


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

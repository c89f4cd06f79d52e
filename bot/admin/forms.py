"""The guide form: its fields, the guide file they make, and errors placed next to their field.

The form is the guide file's fields one by one (one question, link or source per line), so an
editor never writes YAML; the store parses and validates the file it makes, exactly as
`make kb-check` does, and each problem is shown by the field it belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from kb.content.markdown import compose_source
from kb.schema import Guide

# The form's fields, in page order, with their Danish labels (used in the error summary too).
FIELDS: dict[str, str] = {
    "id": "Id",
    "title": "Titel",
    "topic": "Emne",
    "scope": "Gælder for",
    "questions": "Spørgsmål borgerne stiller",
    "body": "Tekst",
    "links": "Læs mere-links",
    "sources": "Kilder",
    "last_reviewed": "Sidst gennemgået",
    "owner": "Ansvarlig",
}
LINK_SEPARATOR = "|"


@dataclass
class GuideForm:
    """What the editor typed, as typed (kept on every refusal so nothing is lost)."""

    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name if name in FIELDS else "body", []).append(message)

    @property
    def summary(self) -> list[tuple[str, str]]:
        """(field, message) in page order, for the error summary at the top."""
        return [(name, message) for name in FIELDS for message in self.errors.get(name, [])]


def empty_form(scope: str, owner: str) -> GuideForm:
    return GuideForm(
        {name: "" for name in FIELDS}
        | {"scope": scope, "owner": owner, "topic": "pas", "last_reviewed": date.today().isoformat()}
    )


def form_from_guide(guide: Guide) -> GuideForm:
    """The form filled with a saved guide."""
    return GuideForm(
        {
            "id": guide.id,
            "title": guide.title,
            "topic": guide.topic,
            "scope": guide.scope,
            "questions": "\n".join(guide.questions),
            "body": guide.body,
            "links": "\n".join(f"{link.title} {LINK_SEPARATOR} {link.url}" for link in guide.links),
            "sources": "\n".join(str(url) for url in guide.sources),
            "last_reviewed": guide.last_reviewed.isoformat(),
            "owner": guide.owner,
        }
    )


def form_from_post(data: Mapping[str, object]) -> GuideForm:
    """The posted fields, line endings normalised; unknown fields ignored."""
    return GuideForm({name: str(data.get(name, "") or "").replace("\r\n", "\n").strip() for name in FIELDS})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def source_from_form(form: GuideForm) -> str | None:
    """The guide file the form describes; None (with errors added) when a line cannot be read."""
    values = form.values
    links = []
    for number, line in enumerate(_lines(values["links"]), start=1):
        title, separator, url = line.rpartition(LINK_SEPARATOR)
        if not separator or not title.strip() or not url.strip():
            form.add(
                "links",
                f"Linje {number}: skriv linkets titel, en lodret streg og adressen, fx 'borger.dk | https://www.borger.dk'",
            )
            continue
        links.append({"title": title.strip(), "url": url.strip()})
    if form.errors:
        return None
    meta: dict[str, object] = {
        "id": values["id"],
        "title": values["title"],
        "topic": values["topic"],
        "scope": values["scope"],
        "questions": _lines(values["questions"]),
        "links": links,
        "sources": _lines(values["sources"]),
        "last_reviewed": values["last_reviewed"],
        "owner": values["owner"],
    }
    return compose_source(meta, values["body"])


def place_problems(form: GuideForm, problems: list[tuple[str, str]]) -> GuideForm:
    """The store's (field, message) problems next to their form field ('links.0.url' → links)."""
    for location, message in problems:
        name = location.split(".", 1)[0]
        form.add(name, message)
    return form

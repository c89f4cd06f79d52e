"""A guide written back as the Markdown file staff edit: YAML front matter in the shipped files'
field order and layout, then the body; ``parse_guide`` of it gives back an equal guide."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import yaml

from kb.schema import Guide

# The front matter's fields in the order every file in kb/guides/ has them; the body follows.
FRONT_MATTER_FIELDS = ("id", "title", "topic", "scope", "questions", "links", "sources", "last_reviewed", "owner")


class _IndentedListDumper(yaml.SafeDumper):
    """Lists indented under their key ("questions:\\n  - …"), as the shipped files write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def compose_source(meta: Mapping[str, Any], body: str) -> str:
    """A guide file from its front matter fields (any of them, in any state) and its body.

    The one writer of the format: the staff form and the spreadsheet import make their files with
    it, so the store parses and validates exactly what `make kb-check` would read. The known fields
    come in the files' order, any others after them.
    """
    ordered = {field: meta[field] for field in FRONT_MATTER_FIELDS if field in meta}
    ordered |= {field: value for field, value in meta.items() if field not in ordered}
    reviewed = ordered.get("last_reviewed")
    if isinstance(reviewed, str):
        try:  # a YAML date, unquoted as in the files; anything else stays text for validation to name
            ordered["last_reviewed"] = date.fromisoformat(reviewed.strip())
        except ValueError:
            pass
    front = yaml.dump(
        ordered,
        Dumper=_IndentedListDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # one line per value, never folded
    )
    return f"---\n{front}---\n{body.strip()}\n"


def guide_to_markdown(guide: Guide) -> str:
    """The guide's whole Markdown source: front matter between '---' lines, then the body."""
    data = guide.model_dump(mode="json")
    return compose_source({field: data[field] for field in FRONT_MATTER_FIELDS}, guide.body)

"""A guide written back as the Markdown file staff edit: YAML front matter in the shipped files'
field order and layout, then the body; ``parse_guide`` of it gives back an equal guide."""

from __future__ import annotations

from typing import Any

import yaml

from kb.schema import Guide

# The front matter's fields in the order every file in kb/guides/ has them; the body follows.
FRONT_MATTER_FIELDS = ("id", "title", "topic", "scope", "questions", "links", "sources", "last_reviewed", "owner")


class _IndentedListDumper(yaml.SafeDumper):
    """Lists indented under their key ("questions:\\n  - …"), as the shipped files write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def compose_source(meta: dict[str, Any], body: str) -> str:
    """A guide file from its front matter fields (any of them, in any state) and its body.

    The one writer of the format: the staff form and the spreadsheet import make their files with
    it, so the store parses and validates exactly what `make kb-check` would read.
    """
    ordered = {field: meta[field] for field in FRONT_MATTER_FIELDS if field in meta}
    ordered |= {key: value for key, value in meta.items() if key not in ordered}
    text = yaml.dump(
        ordered,
        Dumper=_IndentedListDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # one line per value, never folded
    )
    return f"---\n{text}---\n{body.strip()}\n"


def guide_to_markdown(guide: Guide) -> str:
    """The guide's whole Markdown source: front matter between '---' lines, then the body."""
    data: dict[str, Any] = guide.model_dump(mode="json")
    front = {field: data[field] for field in FRONT_MATTER_FIELDS}
    front["last_reviewed"] = guide.last_reviewed  # a YAML date, unquoted, as in the files
    return compose_source(front, guide.body)

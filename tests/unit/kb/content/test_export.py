"""The guides as a zip of Markdown files: one guides/<id>.md each, the same bytes every time."""

from __future__ import annotations

import io
import zipfile

from kb.content.export import export_zip
from kb.content.markdown import guide_to_markdown
from kb.schema import parse_guide
from tests.conftest import make_guide


def test_the_zip_holds_one_markdown_file_per_guide_sorted_by_id() -> None:
    guides = [make_guide("pas-b"), make_guide("mitid-a", topic="mitid"), make_guide("pas-a-b")]
    with zipfile.ZipFile(io.BytesIO(export_zip(guides))) as archive:
        assert archive.namelist() == ["guides/mitid-a.md", "guides/pas-a-b.md", "guides/pas-b.md"]
        for guide in guides:
            text = archive.read(f"guides/{guide.id}.md").decode("utf-8")
            assert text == guide_to_markdown(guide)
            assert parse_guide(text) == guide


def test_the_same_guides_give_the_same_bytes() -> None:
    guides = [make_guide("pas-b"), make_guide("pas-a")]
    assert export_zip(guides) == export_zip(list(reversed(guides)))
    assert export_zip(guides) != export_zip([make_guide("pas-b", answer="Ændret."), make_guide("pas-a")])


def test_no_guides_give_an_empty_zip() -> None:
    with zipfile.ZipFile(io.BytesIO(export_zip([]))) as archive:
        assert archive.namelist() == []

"""make bench's publish-to-live figure: the edit it makes, the median it reports and the target it judges."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from kb.content.markdown import guide_to_markdown
from kb.schema import parse_guide
from ops.bench.publish import PublishToLive, marker, with_sentence
from ops.bench.report import render, write_reports
from tests.conftest import make_guide
from tests.unit.ops.test_bench import report


def test_the_sentence_ends_the_short_answer_and_nothing_else_changes() -> None:
    guide = make_guide("pas-pris", answer="Et pas koster et gebyr.")
    sentence = marker()
    edited = parse_guide(with_sentence(guide_to_markdown(guide), sentence))
    assert edited.short_answer == f"Et pas koster et gebyr. {sentence}"
    assert edited.body.endswith("## Detaljer\nMere tekst.")
    assert edited.model_dump(exclude={"body"}) == guide.model_dump(exclude={"body"})
    assert marker() != sentence
    assert not any(ch.isdigit() for ch in sentence)  # nothing in the reply's path may mask it


def test_median_and_target() -> None:
    assert PublishToLive("q", "pas-pris", [3.0, 1.0, 2.0]).median_seconds == 2.0
    assert PublishToLive("q", "pas-pris", [3.0, 1.0, 2.0]).met is True
    assert PublishToLive("q", "pas-pris", [12.0, 11.0, 2.0]).met is False
    late = PublishToLive("q", "pas-pris", [1.0, None, 2.0])
    assert late.median_seconds is None and late.met is False
    assert PublishToLive("q", "", [], note="not measured").met is None


def test_report_shows_publish_to_live_and_judges_it(tmp_path: Path) -> None:
    measured = replace(report(), publish=PublishToLive("Hvad koster et pas?", "pas-pris", [1.5, 2.5, 2.0]))
    text = render(measured)
    assert "median 2.0 s over 3 edits (1.5 s, 2.5 s, 2.0 s)" in text
    target = next(line for line in text.splitlines() if line.startswith("publish to live, median <= 10 s"))
    assert target.split()[-3:] == ["2.0", "s", "met"]
    json_path, _ = write_reports(measured, tmp_path)
    data = json.loads(json_path.read_text())
    assert data["publish"]["median_seconds"] == 2.0
    assert data["targets"][-1]["met"] is True
    assert "publish to live: not measured" in render(report())

"""Municipality data follow the published build: a swap of ``current`` is seen on the next call, without a restart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.settings import Settings
from kb.index import build_index
from kb.layout import current_target
from kb.live import LiveMunicipalities
from kb.municipalities import Municipality, load_municipalities
from kb.store import InMemoryGuideStore
from tests.conftest import make_guide
from tests.fakes import FakeEmbedder


def shipped(settings: Settings) -> dict[str, Municipality]:
    return dict(load_municipalities(settings.kb_dir))


def with_phone(municipalities: dict[str, Municipality], slug: str, phone: str) -> dict[str, Municipality]:
    return {**municipalities, slug: municipalities[slug].model_copy(update={"phone": phone})}


def publish(index_dir: Path, municipalities: dict[str, Municipality] | None) -> None:
    build_index(InMemoryGuideStore([make_guide("pas-pris")]), index_dir, FakeEmbedder(), municipalities=municipalities)


def test_without_a_published_build_the_shipped_files_apply(settings: Settings) -> None:
    live = LiveMunicipalities(settings.index_dir, settings.kb_dir)
    assert live.get() == shipped(settings)


def test_a_build_from_the_files_has_no_municipality_data_and_the_shipped_files_apply(settings: Settings) -> None:
    publish(settings.index_dir, None)
    assert LiveMunicipalities(settings.index_dir, settings.kb_dir).get() == shipped(settings)


def test_follows_a_swap_of_the_published_build(settings: Settings) -> None:
    first = with_phone(shipped(settings), "kalundborg", "11 11 11 11")
    publish(settings.index_dir, first)
    live = LiveMunicipalities(settings.index_dir, settings.kb_dir)
    assert live.get()["kalundborg"].phone == "11 11 11 11"
    before = current_target(settings.index_dir)

    publish(settings.index_dir, with_phone(first, "kalundborg", "22 22 22 22"))
    assert current_target(settings.index_dir) != before
    assert live.get()["kalundborg"].phone == "22 22 22 22"
    assert live.get()["hoeje-taastrup"] == shipped(settings)["hoeje-taastrup"]


def test_reads_the_file_again_only_when_the_link_changes(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    publish(settings.index_dir, shipped(settings))
    live = LiveMunicipalities(settings.index_dir, settings.kb_dir)
    first = live.get()
    reads: list[str | None] = []

    def counted(target: str | None) -> dict[str, Municipality]:
        reads.append(target)
        return first

    monkeypatch.setattr(live, "_read", counted)
    assert live.get() is first and live.get() is first
    assert reads == []


def test_an_unreadable_file_keeps_what_was_read_last(settings: Settings) -> None:
    publish(settings.index_dir, with_phone(shipped(settings), "kalundborg", "33 33 33 33"))
    live = LiveMunicipalities(settings.index_dir, settings.kb_dir)
    assert live.get()["kalundborg"].phone == "33 33 33 33"
    # A broken build swapped in (never made by build_index, but a disk can fail): no outage.
    broken = settings.index_dir / "builds" / "broken"
    broken.mkdir()
    (broken / "municipalities.json").write_text("{not json", encoding="utf-8")
    tmp_link = settings.index_dir / ".current-test"
    tmp_link.symlink_to(broken.relative_to(settings.index_dir))
    os.replace(tmp_link, settings.index_dir / "current")
    assert live.get()["kalundborg"].phone == "33 33 33 33"

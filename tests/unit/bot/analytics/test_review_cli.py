"""`python -m bot.review` writes the self-contained HTML report and its CSV files."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.review.__main__ import main
from core.settings import get_settings
from kb.content.engine import make_engine
from kb.content.store import SqlContentStore
from tests.fakes import FakeEmbedder
from tests.unit.bot.analytics import synthetic_week
from tests.unit.bot.analytics.turn_rows import insert_turns, migrated_engine


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    engine = migrated_engine(tmp_path)
    insert_turns(engine, synthetic_week.every_turn())
    engine.dispose()
    monkeypatch.setenv("BORGERBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'review.db'}")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_the_cli_writes_the_html_and_csv_files(configured: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = configured / "reports"
    argv = ["--week", synthetic_week.WEEK, "--municipality", "kalundborg", "--out", str(out)]
    assert main(argv, embedder=FakeEmbedder()) == 0
    stem = f"kalundborg-{synthetic_week.WEEK}"
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{stem}{suffix}" for suffix in (".html", "-figures.csv", "-groups.csv", "-hours.csv"))
    assert capsys.readouterr().out.splitlines() == [str(out / f"{stem}.html")] + [
        str(out / f"{stem}-{name}") for name in ("figures.csv", "groups.csv", "hours.csv")
    ]
    html = (out / f"{stem}.html").read_text(encoding="utf-8")
    assert "<style>" in html and ".plot img" in html  # the style is inside the file
    assert ".figures-wrap > table" in html and "&gt;" not in html.split("</style>")[0]  # as written, not escaped
    assert html.count('src="data:image/png;base64,') == 3
    assert not re.search(r'(href|src)="(?!data:)', html)  # nothing outside the file, no links into /admin
    assert "<form" not in html
    assert "Hvordan fornyer jeg mit kørekort?" in html and "40,0 %" in html
    assert ",2026-W43,conversations,Samtaler,6,," in (out / f"{stem}-figures.csv").read_text(encoding="utf-8")


def test_without_content_data_the_cli_reads_the_shipped_municipality(configured: Path) -> None:
    # Shipped data is imported at first start; here the CLI falls back to kb/municipalities/*.yml.
    engine = make_engine(f"sqlite:///{configured / 'review.db'}")
    assert SqlContentStore(engine).municipality("kalundborg") is None
    engine.dispose()
    out = configured / "r"
    assert main(["--week", "2026-W43", "--municipality", "kalundborg", "--out", str(out), "--no-groups"]) == 0
    assert "Kalundborg Kommune" in (out / "kalundborg-2026-W43.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--week", "2026-48", "--municipality", "kalundborg"], "2026-W48"),
        (["--week", "2026-W43", "--municipality", "findes-ikke"], "findes-ikke"),
        (["--week", "2026-W43"], "--municipality"),
    ],
)
def test_the_cli_refuses_in_danish(
    configured: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main([*argv, "--out", str(configured / "x"), "--no-groups"]) == 1
    assert message in capsys.readouterr().err
    assert not (configured / "x").exists()


def test_the_bench_times_every_stage(configured: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--bench", "--turns", "2000", "--week", "2026-W48"], embedder=FakeEmbedder()) == 0
    summary = json.loads(capsys.readouterr().out.strip())
    assert summary["turns"] == 2000 and summary["week"] == "2026-W48"
    assert set(summary["seconds"]) == {
        "seed",
        "load",
        "figures",
        "model_load",
        "groups",
        "plots",
        "report_total_warm",
        "files",
    }
    assert summary["question_groups"] > 0

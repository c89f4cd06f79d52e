"""The report of a seeded week gives exactly the figures worked out by hand (synthetic_week.py),
the week of the DST change included, and one municipality's turns never reach another's report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.analytics.metrics import Rate
from bot.analytics.report import build_report, csv_files
from bot.analytics.rows import load_conversation, load_turns
from tests.fakes import FakeEmbedder
from tests.unit.bot.analytics import synthetic_week
from tests.unit.bot.analytics.synthetic_week import WEEK
from tests.unit.bot.analytics.turn_rows import HOTLINE, insert_turns, migrated_engine, municipality


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = migrated_engine(tmp_path)
    insert_turns(engine, synthetic_week.every_turn())
    yield engine
    engine.dispose()


def test_load_turns_takes_the_copenhagen_week_across_the_dst_change(engine: Engine) -> None:
    loaded = load_turns(engine, "kalundborg", [WEEK])
    assert sorted({t.conversation_id for t in loaded}) == ["k1", "k2", "k3", "k4", "k5", "k7"]
    assert {t.conversation_id for t in load_turns(engine, "kalundborg", ["2026-W44"])} == {"k6"}
    dst = [t for t in loaded if t.conversation_id == "k4"]
    assert [t.hour for t in dst] == [2, 2]  # 02.30 summer time, then 02.30 winter time
    assert [t.local.utcoffset().total_seconds() / 3600 for t in dst] == [2, 1]  # type: ignore[union-attr]


def test_the_week_gives_the_figures_worked_out_by_hand(engine: Engine) -> None:
    report = build_report(engine, municipality(), HOTLINE, WEEK, FakeEmbedder())
    week = report.current
    assert week.week == WEEK
    assert week.conversations == 6
    assert week.citizen_messages == 10
    assert week.fallback_rate == Rate(4, 10)  # k2 ×2, k3, k7's not_helpful
    assert week.containment == Rate(3, 6)  # k1, k3, k5
    assert week.handovers == {"request_human": 1, "out_of_scope": 0, "no_answer": 1, "not_helpful": 1, "technical": 1}
    assert week.helpfulness == Rate(1, 2)
    assert week.outside_hours == Rate(4, 6)  # k2, k3, k4, k5
    assert week.other_languages == {"en": 1}
    assert week.abandonment == Rate(1, 2)  # k3 of k2, k3
    assert report.messages_by_hour[2] == 2 and report.messages_by_hour[23] == 1
    assert sum(report.messages_by_hour) == 10
    assert sum(report.fallbacks_by_hour) == 4


def test_the_previous_weeks_come_with_it(engine: Engine) -> None:
    report = build_report(engine, municipality(), HOTLINE, WEEK, None)
    assert report.weeks == tuple(f"2026-W{n}" for n in range(35, 44))
    before = report.trend[-2]
    assert before.week == "2026-W42" and before.conversations == 1 and before.fallback_rate == Rate(1, 2)
    assert all(f.conversations == 0 and f.fallback_rate.value is None for f in report.trend[:-2])
    nxt = build_report(engine, municipality(), HOTLINE, "2026-W44", None)
    assert nxt.current.conversations == 1 and nxt.trend[-2].conversations == 6


def test_a_topic_has_its_own_figures(engine: Engine) -> None:
    report = build_report(engine, municipality(), HOTLINE, WEEK, None, topic="mitid")
    mitid = report.current
    assert (mitid.conversations, mitid.citizen_messages) == (2, 2)  # k3, k4's answer
    assert mitid.fallback_rate == Rate(1, 2)
    assert mitid.containment == Rate(2, 2)  # k4's hand-over had no topic
    assert mitid.outside_hours == Rate(2, 2)
    assert mitid.abandonment == Rate(1, 1)
    pas = report.trends["pas"][-1]
    assert (pas.conversations, pas.helpfulness, pas.fallback_rate) == (1, Rate(1, 2), Rate(0, 2))


def test_another_municipality_sees_only_its_own(engine: Engine) -> None:
    report = build_report(
        engine, municipality("hoeje-taastrup", "Høje-Taastrup Kommune"), HOTLINE, WEEK, FakeEmbedder()
    )
    week = report.current
    assert (week.conversations, week.citizen_messages, week.fallback_rate) == (1, 2, Rate(1, 2))
    assert week.handovers["request_human"] == 1 and week.handovers["no_answer"] == 0
    assert [g.label for g in report.groups] == ["Hvor henter jeg en parkeringstilladelse?"]


def test_the_groups_of_the_week(engine: Engine) -> None:
    report = build_report(engine, municipality(), HOTLINE, WEEK, FakeEmbedder())
    # k2's question twice (clarified, then handed over), k3's once; k8 asked k2's the week before.
    assert [(g.label, g.this_week, g.last_week, g.change) for g in report.groups] == [
        ("Hvordan fornyer jeg mit kørekort?", 2, 1, 1),
        ("Hvornår bliver mit storskrald hentet?", 1, 0, 1),
    ]


def test_the_csv_files_hold_the_same_numbers(engine: Engine) -> None:
    files = csv_files(build_report(engine, municipality(), HOTLINE, WEEK, FakeEmbedder()))
    assert set(files) == {"figures.csv", "groups.csv", "hours.csv"}
    lines = files["figures.csv"].splitlines()
    assert lines[0] == "topic,week,figure,label,value,numerator,denominator"
    assert f",{WEEK},fallback_rate,Andel beskeder uden svar,0.4,4,10" in lines
    assert f",{WEEK},conversations,Samtaler,6,," in lines
    assert f'mitid,{WEEK},abandonment,"Andel samtaler, der sluttede med et opklarende spørgsmål",1.0,1,1' in lines
    assert ",2026-W35,fallback_rate,Andel beskeder uden svar,,0,0" in lines  # no data: empty, not 0
    assert files["hours.csv"].splitlines()[3] == "2,2,0"
    assert "Hvordan fornyer jeg mit kørekort?,2,1,1,new,Ny,," in files["groups.csv"]


def test_a_conversation_in_order(engine: Engine) -> None:
    turns = load_conversation(engine, "k4")
    assert [(t.turn_index, t.outcome) for t in turns] == [(0, "escalation"), (1, "answer")]
    assert load_conversation(engine, "findes-ikke") == []

"""Read back everything a stack kept (every table of its databases, its logs) to look for personal data."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import MetaData, select

from bot.sessions import make_engine


def stored_strings(database_urls: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(table, value as text) for every column of every row of every table."""
    for url in database_urls:
        engine = make_engine(url)
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as conn:
            for table in metadata.sorted_tables:
                for row in conn.execute(select(table)):
                    for value in row:
                        if value is not None:
                            yield table.name, str(value)
        engine.dispose()


def log_lines(log_dir: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(log_dir.glob("*.log")):
        for line in path.read_text(errors="replace").splitlines():
            yield path.name, line


def cpr_pattern(cpr_form: str) -> re.Pattern[str]:
    """The form's ten digits with any separator a citizen might use (none, dots, dash, space)."""
    digits = re.sub(r"\D", "", re.search(r"\d[\d.\s-]{8,12}\d", cpr_form).group(0))  # type: ignore[union-attr]
    d = [re.escape(c) for c in digits]
    date = r"\.?".join("".join(d[i : i + 2]) for i in (0, 2, 4))
    return re.compile(rf"(?<!\d){date}[-\s.]?{''.join(d[6:])}(?!\d)")


def find_cpr_numbers(cpr_forms: Iterable[str], places: Iterable[tuple[str, str]]) -> list[str]:
    """Every place where one of the CPR numbers sent is still readable."""
    patterns = [cpr_pattern(form) for form in cpr_forms]
    return [f"{where}: {text[:200]}" for where, text in places if any(p.search(text) for p in patterns)]

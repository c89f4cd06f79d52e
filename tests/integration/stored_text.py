"""Read back everything a stack kept (every table of its databases, its logs) to look for personal data."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import MetaData, select

from bot.sessions import make_engine
from tests.masking_corpus import cpr_digits, readable_digits


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


# Escapes as json.dumps and repr() write non-ASCII: "\\u2013", "\\xa0", "\\U0001d7ce", surrogate pairs.
_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")


def readable(text: str) -> str:
    """The digits a reader of the stored text sees, in ASCII, with escapes decoded and separators dropped."""
    decoded = _ESCAPE.sub(lambda escape: chr(int(next(g for g in escape.groups() if g), 16)), text)
    return readable_digits(decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace"))


def find_cpr_numbers(cpr_forms: Iterable[str], places: Iterable[tuple[str, str]]) -> list[str]:
    """Every place where one of the CPR numbers sent is still readable, in any separator, script or escape."""
    numbers = {cpr_digits(form) for form in cpr_forms}
    return [f"{where}: {text[:200]}" for where, text in places if any(n in readable(text) for n in numbers)]

"""Fees that change (passport fees are indexed every 1 January): data with validity dates.

``kb/fees.yml`` holds each fee's amounts by ``valid_from`` date and their sources; guides
write ``{{gebyr:<id>}}`` and the bot shows the amount valid on the day it answers, naming
its year. When the newest sourced amount is from an earlier year, the reply says so once and
points to the authority, rather than presenting an old figure as today's.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, HttpUrl, RootModel, field_validator

FEES_FILE = "fees.yml"
PLACEHOLDER = re.compile(r"\{\{\s*gebyr:([a-z0-9-]+)\s*\}\}")


class FeeValue(BaseModel):
    valid_from: date
    kroner: int = Field(ge=0)
    source: HttpUrl


class Fee(BaseModel):
    name: str = Field(min_length=1)
    authority_url: HttpUrl
    values: list[FeeValue] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _dates_distinct(cls, values: list[FeeValue]) -> list[FeeValue]:
        days = [v.valid_from for v in values]
        if len(set(days)) != len(days):
            raise ValueError("to beløb har samme valid_from-dato")
        return sorted(values, key=lambda v: v.valid_from)

    def value_on(self, day: date) -> FeeValue | None:
        """The amount in force on ``day``: the latest one valid from that day or before."""
        valid = [v for v in self.values if v.valid_from <= day]
        return valid[-1] if valid else None


class FeeTable(RootModel[dict[str, Fee]]):
    """Every fee by id (lowercase a-z, 0-9 and dashes)."""

    @field_validator("root")
    @classmethod
    def _ids(cls, fees: dict[str, Fee]) -> dict[str, Fee]:
        for fee_id in fees:
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", fee_id):
                raise ValueError(f"'{fee_id}' må kun indeholde små bogstaver a-z, tal og bindestreg")
        return fees


def format_kroner(amount: int) -> str:
    """1234 -> "1.234 kr." (Danish thousands separator)."""
    return f"{amount:,}".replace(",", ".") + " kr."


def render_fee(fee: Fee, day: date) -> str:
    """The amount for ``day`` with the year it is from, e.g. "893 kr. (2026-pris)"."""
    value = fee.value_on(day) or fee.values[0]
    return f"{format_kroner(value.kroner)} ({value.valid_from.year}-pris)"


def stale_note(fees: list[Fee], day: date) -> str:
    """One sentence for amounts from an earlier year than ``day``'s: where the current ones are."""
    stale = [f for f in fees if (f.value_on(day) or f.values[0]).valid_from.year < day.year]
    if not stale:
        return ""
    urls = list(dict.fromkeys(str(f.authority_url) for f in stale))
    return f"Vi har endnu ikke fået {day.year}-priserne bekræftet; se den aktuelle pris på {' eller '.join(urls)}."


def placeholders(text: str) -> list[str]:
    """The fee ids a text refers to, in order."""
    return PLACEHOLDER.findall(text)


def render(text: str, fees: dict[str, Fee], day: date) -> str:
    """``text`` with every ``{{gebyr:id}}`` replaced by the amount valid on ``day``.

    When any amount is from an earlier year, one closing sentence says so and where to
    check (once per text, however many amounts). An unknown id (kb-check reports it) is
    left visible rather than silently dropped.
    """
    used = [fees[i] for i in dict.fromkeys(placeholders(text)) if i in fees]

    def amount(match: re.Match[str]) -> str:
        fee = fees.get(match.group(1))
        return render_fee(fee, day) if fee else match.group(0)

    rendered = PLACEHOLDER.sub(amount, text)
    note = stale_note(used, day)
    return f"{rendered} {note}" if note else rendered


def parse_fees(text: str) -> dict[str, Fee]:
    """Parse the fee file's text; raises yaml.YAMLError or pydantic's ValidationError."""
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError("gebyrfilen skal have feltet 'fees' øverst")
    return FeeTable.model_validate(data.get("fees") or {}).root


@lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int) -> dict[str, Fee]:
    return parse_fees(path.read_text(encoding="utf-8"))


def load_fees(kb_dir: Path) -> dict[str, Fee]:
    """The fee table, re-read when the file changes (an editor's fix shows without a restart)."""
    path = kb_dir / FEES_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return {}
    return _load(path, mtime)

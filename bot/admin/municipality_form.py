"""The municipality data form: phone, addresses, hours per weekday, closing days, booking link, verification.

Hours are stated to citizens only once someone has verified them: ticking the box records who and
when; changing hours or closing days without ticking it takes the verification away again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from kb.municipalities import DANISH_WEEKDAYS, WEEKDAYS, Municipality
from kb.schema import danish_problems

FIELDS: dict[str, str] = {
    "phone": "Telefonnummer",
    "booking_url": "Link til tidsbestilling",
    "addresses": "Adresser",
    **{f"hours_{day}": f"Åbningstid {danish}" for day, danish in zip(WEEKDAYS, DANISH_WEEKDAYS, strict=True)},
    "special_closing_days": "Særlige lukkedage",
    "hours_note": "Bemærkning om åbningstiderne",
    "hours_source": "Kilde til åbningstiderne",
    "verified": "Bekræftelse",
}
SEPARATOR = "|"


@dataclass
class MunicipalityForm:
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name if name in FIELDS else "phone", []).append(message)

    @property
    def summary(self) -> list[tuple[str, str]]:
        return [(name, message) for name in FIELDS for message in self.errors.get(name, [])]


def form_from_data(data: Municipality, version: int) -> MunicipalityForm:
    values = {
        "phone": data.phone,
        "booking_url": str(data.booking_url or ""),
        "addresses": "\n".join(f" {SEPARATOR} ".join([a.name, a.street, a.postcode, a.city]) for a in data.addresses),
        "special_closing_days": "\n".join(
            f"{d.date.isoformat()} {SEPARATOR} {d.reason}" for d in data.special_closing_days
        ),
        "hours_note": data.hours_note,
        "hours_source": data.hours_source or "",
        "verified": "",
        "base_version": str(version),
    }
    for day in WEEKDAYS:
        values[f"hours_{day}"] = ", ".join(data.opening_hours.get(day, []))
    return MunicipalityForm(values)


def form_from_post(data: Mapping[str, object]) -> MunicipalityForm:
    names = [*FIELDS, "base_version"]
    return MunicipalityForm({n: str(data.get(n, "") or "").replace("\r\n", "\n").strip() for n in names})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def data_from_form(form: MunicipalityForm, current: Municipality, user: str, today: date) -> Municipality | None:
    """The municipality's new data; None with errors by their fields when anything is invalid."""
    v = form.values
    addresses = []
    for number, line in enumerate(_lines(v["addresses"]), start=1):
        parts = [p.strip() for p in line.split(SEPARATOR)]
        if len(parts) != 4 or not all(parts):
            form.add("addresses", f"Linje {number}: skriv navn | gade og nummer | postnummer | by")
            continue
        addresses.append({"name": parts[0], "street": parts[1], "postcode": parts[2], "city": parts[3]})
    closing = []
    for number, line in enumerate(_lines(v["special_closing_days"]), start=1):
        day, separator, reason = line.partition(SEPARATOR)
        if not separator or not reason.strip():
            form.add("special_closing_days", f"Linje {number}: skriv dato | grund, fx '2026-12-24 | Juleaftensdag'")
            continue
        closing.append({"date": day.strip(), "reason": reason.strip()})
    hours = {day: [i.strip() for i in v[f"hours_{day}"].split(",") if i.strip()] for day in WEEKDAYS}
    if form.errors:
        return None
    fields: dict[str, Any] = current.model_dump(mode="json") | {
        "phone": v["phone"],
        "booking_url": v["booking_url"] or None,
        "addresses": addresses,
        "opening_hours": hours,
        "special_closing_days": closing,
        "hours_note": v["hours_note"],
        "hours_source": v["hours_source"] or None,
    }
    try:
        candidate = Municipality.model_validate(fields)
    except ValidationError as exc:
        for location, message in danish_problems(exc):
            top = location.split(".", 1)[0]
            name = {"opening_hours": _hours_field(location), "special_closing_days": "special_closing_days"}.get(
                top, top
            )
            form.add(name, message)
        return None
    return _verification(candidate, current, v["verified"] == "yes", user, today)


def _hours_field(location: str) -> str:
    parts = location.split(".")
    return f"hours_{parts[1]}" if len(parts) > 1 and parts[1] in WEEKDAYS else "hours_monday"


def _verification(new: Municipality, current: Municipality, ticked: bool, user: str, today: date) -> Municipality:
    if ticked:
        return new.model_copy(update={"hours_verified": True, "hours_verified_on": today, "hours_verified_by": user})
    changed = new.opening_hours != current.opening_hours or new.special_closing_days != current.special_closing_days
    if changed:
        return new.model_copy(update={"hours_verified": False, "hours_verified_on": None, "hours_verified_by": None})
    return new

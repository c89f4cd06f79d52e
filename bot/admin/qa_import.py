"""Import questions and answers from a spreadsheet (CSV or XLSX) as draft guides.

Two steps, as staff expect: the file is read and shown with a guessed column mapping; on
confirmation every row becomes a guide and is checked like any save. One invalid row refuses the
whole file, with a Danish report per line, so nothing is half-imported.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from kb.content.markdown import compose_source

MAX_ROWS = 500
MAX_FILE_BYTES = 1_000_000
# The guide fields a column can fill, with Danish labels; the first two are required.
TARGETS: dict[str, str] = {
    "questions": "Spørgsmål (flere adskilt med semikolon)",
    "answer": "Svar (det korte svar først; afsnit med ## overskrift)",
    "title": "Titel",
    "topic": "Emne (pas, flytning, mitid, aabningstider)",
    "id": "Id",
    "link": "Læs mere-link (titel | adresse, eller kun adressen)",
    "source": "Kilde (adresse)",
    "last_reviewed": "Sidst gennemgået (ÅÅÅÅ-MM-DD)",
}
REQUIRED = ("questions", "answer")
# Header words that point to a target, for the first guess of the mapping (folded, no accents).
_HINTS = {
    "questions": ("sporgsmal", "question", "spm"),
    "answer": ("svar", "answer", "tekst"),
    "title": ("titel", "title", "overskrift"),
    "topic": ("emne", "topic", "kategori"),
    "id": ("id",),
    "link": ("link", "laes mere", "url"),
    "source": ("kilde", "source"),
    "last_reviewed": ("gennemgaet", "dato", "reviewed"),
}


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table; the message says why, in Danish."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


def _fold(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).strip()


def read_table(filename: str, data: bytes) -> Table:
    """The file's header and rows as text; SpreadsheetError when it is not a CSV or XLSX table."""
    if len(data) > MAX_FILE_BYTES:
        raise SpreadsheetError(f"Filen er for stor: højst {MAX_FILE_BYTES // 1000} kB.")
    if filename.lower().endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif filename.lower().endswith(".csv"):
        rows = _csv_rows(data)
    else:
        raise SpreadsheetError("Vælg en CSV-fil (.csv) eller et Excel-ark (.xlsx).")
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise SpreadsheetError("Filen skal have en overskriftslinje og mindst én række.")
    if len(rows) - 1 > MAX_ROWS:
        raise SpreadsheetError(f"Filen har {len(rows) - 1} rækker; højst {MAX_ROWS} ad gangen.")
    width = max(len(row) for row in rows)
    padded = [row + [""] * (width - len(row)) for row in rows]
    header = [cell.strip() or f"Kolonne {i + 1}" for i, cell in enumerate(padded[0])]
    return Table(header, padded[1:])


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's Danish CSV export
    # The header line decides: Danish Excel writes ';', others ',' or tabs (answers often hold commas).
    header = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=header.count)
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise SpreadsheetError(f"CSV-filen kan ikke læses: {exc}") from exc


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SpreadsheetError("Excel-filen kan ikke læses. Gem den som .xlsx, og prøv igen.") from exc
    sheet = workbook.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append(["" if v is None else (v.isoformat()[:10] if isinstance(v, date) else str(v)) for v in values])
        if len(rows) > MAX_ROWS + 1:
            break
    workbook.close()
    return rows


def guess_mapping(header: list[str]) -> dict[str, int | None]:
    """Which column fills which field, guessed from the header words."""
    mapping: dict[str, int | None] = {}
    folded = [_fold(h) for h in header]
    for target, hints in _HINTS.items():
        mapping[target] = next((i for i, h in enumerate(folded) if any(h == w or h.startswith(w) for w in hints)), None)
    return mapping


def mapping_from_form(data: Mapping[str, object], width: int) -> dict[str, int | None]:
    mapping: dict[str, int | None] = {}
    for target in TARGETS:
        value = str(data.get(f"map_{target}", "") or "")
        mapping[target] = int(value) if value.isdigit() and int(value) < width else None
    return mapping


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _fold(text)).strip("-")[:80]


@dataclass(frozen=True)
class RowProblem:
    line: int  # the line in the file (the header is line 1)
    message: str


def row_source(
    row: list[str], mapping: dict[str, int | None], scope: str, default_topic: str, owner: str, today: date
) -> str:
    """The guide file for one row; the store and the kb-check rules judge it."""

    def cell(target: str) -> str:
        index = mapping.get(target)
        return row[index].strip() if index is not None and index < len(row) else ""

    questions = [q.strip() for q in re.split(r"[;\n]", cell("questions")) if q.strip()]
    title = cell("title") or (questions[0] if questions else "")
    topic = cell("topic").lower() or default_topic
    guide_id = cell("id") or f"{topic}-{slug(title)}"
    link_title, separator, link_url = cell("link").rpartition("|")
    links = (
        [{"title": link_title.strip() if separator else "Læs mere", "url": link_url.strip()}] if cell("link") else []
    )
    meta = {
        "id": guide_id,
        "title": title,
        "topic": topic,
        "scope": scope,
        "questions": questions,
        "links": links,
        "sources": [cell("source")] if cell("source") else [],
        "last_reviewed": cell("last_reviewed") or today.isoformat(),
        "owner": owner,
    }
    return compose_source(meta, cell("answer").replace("\r\n", "\n"))

"""Structured logging: one JSON object per line, with a dotted event name.

Every line is bounded, whatever a request carries into it (a 5,000-character path, a library's
message quoting a whole request): each string is cut at ``MAX_FIELD_CHARS`` with a marker
("…[+4500 chars]"), a traceback at ``MAX_EXCEPTION_CHARS`` (its start and its end kept), long
lists and deep structures are summarised, and a line still over ``MAX_LINE_BYTES`` (with a
traceback ``MAX_EXCEPTION_LINE_BYTES``) keeps its first fields and folds the rest into one cut
string. The line is always valid JSON in valid UTF-8: a lone surrogate is written as its escape, ``\\ud800``.
"""

from __future__ import annotations

import json
import logging
import math
import sys
from datetime import UTC, datetime
from itertools import islice

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

MAX_FIELD_CHARS = 500
MAX_EXCEPTION_CHARS = 6000
MAX_LINE_BYTES = 4096
MAX_EXCEPTION_LINE_BYTES = 8192
_MAX_ITEMS = 50
_MAX_DEPTH = 4
# Values walked in one field: more than a line can hold, and a deep structure stays cheap to log.
_MAX_VALUES = 500
# The fields a cut line keeps as they are (shortened harder), before the rest is folded.
_HEAD = ("time", "level", "logger", "event")
_HEAD_CHARS = 120


def shorten(text: str, limit: int) -> str:
    """The text, or its first ``limit`` characters and a marker saying how many were cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…[+{len(text) - limit} chars]"


def shorten_middle(text: str, limit: int) -> str:
    """Start and end of the text (a traceback's outer frames and its error line), the middle cut."""
    if len(text) <= limit:
        return text
    head = limit // 3
    tail = limit - head
    return f"{text[:head]}\n…[+{len(text) - limit} chars]…\n{text[-tail:]}"


def bounded(value: object, limit: int = MAX_FIELD_CHARS) -> object:
    """A JSON-ready copy of a field: strings, lists, nesting and the values walked all bounded."""
    left = _MAX_VALUES

    def walk(value: object, depth: int) -> object:
        nonlocal left
        left -= 1
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            # Python refuses to print ints of more than 4,300 digits; such a number says nothing anyway.
            return value if value.bit_length() <= 256 else f"<int of {value.bit_length()} bits>"
        if isinstance(value, float):
            # NaN and Infinity are not JSON.
            return value if math.isfinite(value) else str(value)
        if isinstance(value, str):
            return shorten(value, limit)
        if not isinstance(value, dict | list | tuple | set | frozenset):
            return shorten(str(value), limit)
        # Too deep, too many values already, or a set too big to sort: only its size.
        is_set = isinstance(value, set | frozenset)
        if depth >= _MAX_DEPTH or left <= 0 or (is_set and len(value) > _MAX_ITEMS):
            return f"<{type(value).__name__} of {len(value)} items>"
        more = f"…[+{len(value) - _MAX_ITEMS} items]" if len(value) > _MAX_ITEMS else None
        if isinstance(value, dict):
            out = {shorten(str(k), limit): walk(v, depth + 1) for k, v in islice(value.items(), _MAX_ITEMS)}
            return {**out, "…": more} if more else out
        # A set has no order; sorted by text so the same set logs the same line.
        items = sorted(value, key=str) if is_set else islice(value, _MAX_ITEMS)
        return [walk(v, depth + 1) for v in items] + ([more] if more else [])

    return walk(value, 0)


def dumps(payload: object) -> str:
    """JSON with readable Danish; a lone surrogate (no UTF-8 for it) becomes its JSON escape."""
    text = json.dumps(payload, ensure_ascii=False, default=str)
    # A surrogate can only stand inside a JSON string, where backslashreplace writes exactly its escape.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _size(payload: object) -> int:
    return len(dumps(payload).encode("utf-8"))


def cut_to_fit(text: str, budget: int) -> str:
    """The text, shortened as little as needed for its JSON string (quotes, escapes) to fit ``budget`` bytes."""
    if _size(text) <= budget:
        return text
    # Escapes and multi-byte letters make bytes per character vary: search the longest prefix that fits
    # (a character is at least one byte, so never longer than the budget).
    low, high = 0, min(len(text) - 1, budget)
    while low < high:
        middle = (low + high + 1) // 2
        if _size(shorten(text, middle)) <= budget:
            low = middle
        else:
            high = middle - 1
    fitted = shorten(text, low)
    return fitted if _size(fitted) <= budget else ""


def fit_line(payload: dict[str, object], limit: int) -> str:
    """The payload as one JSON line of at most ``limit`` bytes; over it, the head stays and the rest is cut."""
    line = dumps(payload)
    size = len(line.encode("utf-8"))
    if size <= limit:
        return line
    cut: dict[str, object] = {key: shorten(str(payload[key]), _HEAD_CHARS) for key in _HEAD if key in payload}
    cut["truncated_bytes"] = size
    exception = payload.get("exception")
    rest = {key: value for key, value in payload.items() if key not in (*_HEAD, "exception")}
    # Room left once the head and the keys (with empty strings) are written; the traceback gets most of it.
    left = limit - _size({**cut, "exception": "", "fields": ""})
    if exception is not None:
        cut["exception"] = cut_to_fit(str(exception), (left * 3 // 4 if rest else left) + 2)
        left -= _size(cut["exception"]) - 2
    if rest:
        cut["fields"] = cut_to_fit(dumps(rest), left + 2)
    line = dumps(cut)
    if len(line.encode("utf-8")) <= limit:
        return line
    # Not reached with these limits (the head is at most a few hundred bytes); a guarantee all the same.
    return dumps({"time": payload.get("time"), "level": payload.get("level"), "event": "log.line_too_long"})


class JsonFormatter(logging.Formatter):
    """Formats a record as bounded JSON: time, level, logger, event and any extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": shorten(record.name, MAX_FIELD_CHARS),
            "event": shorten(record.getMessage(), MAX_FIELD_CHARS),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                payload[shorten(key, MAX_FIELD_CHARS)] = bounded(value)
        limit = MAX_LINE_BYTES
        if record.exc_info:
            payload["exception"] = shorten_middle(self.formatException(record.exc_info), MAX_EXCEPTION_CHARS)
            limit = MAX_EXCEPTION_LINE_BYTES
        return fit_line(payload, limit)


def configure_logging(level: str = "INFO") -> None:
    """Send JSON log lines to stderr; safe to call more than once."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request at INFO; the gateway logs its own events instead.
    logging.getLogger("httpx").setLevel(logging.WARNING)

"""JSON log lines: fields kept as they are when short, every line bounded and valid JSON whatever it carries."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from core.log import MAX_EXCEPTION_LINE_BYTES, MAX_FIELD_CHARS, MAX_LINE_BYTES, JsonFormatter, bounded


def record(event: str = "test.event", exc_info: bool = False, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("bot.test", logging.INFO, __file__, 1, event, None, sys.exc_info() if exc_info else None)
    made.__dict__.update(extra)
    return made


def strict_json(line: str) -> dict[str, object]:
    """Parsed as a strict consumer would: valid UTF-8, no NaN or Infinity."""
    line.encode("utf-8")

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    parsed = json.loads(line, parse_constant=refuse)
    assert isinstance(parsed, dict)
    return parsed


def test_a_short_record_keeps_every_field_as_it_is() -> None:
    line = JsonFormatter().format(record("chat.replied", session="abc", messages=2, escalated=False, kinds=["cpr"]))
    parsed = strict_json(line)
    assert parsed["event"] == "chat.replied" and parsed["level"] == "info" and parsed["logger"] == "bot.test"
    assert (parsed["session"], parsed["messages"], parsed["escalated"], parsed["kinds"]) == ("abc", 2, False, ["cpr"])


def test_a_long_string_is_cut_with_a_marker() -> None:
    parsed = strict_json(JsonFormatter().format(record(path="/" + "a" * 4999)))
    assert parsed["path"] == "/" + "a" * (MAX_FIELD_CHARS - 1) + "…[+4500 chars]"


def test_a_long_event_and_nested_strings_are_cut() -> None:
    parsed = strict_json(JsonFormatter().format(record("x" * 1000, detail={"inner": ["y" * 1000]})))
    assert parsed["event"] == "x" * MAX_FIELD_CHARS + "…[+500 chars]"
    assert parsed["detail"] == {"inner": ["y" * MAX_FIELD_CHARS + "…[+500 chars]"]}


def test_long_lists_are_summarised() -> None:
    parsed = strict_json(JsonFormatter().format(record(ids=list(range(1000)))))
    ids = parsed["ids"]
    assert isinstance(ids, list) and ids[:50] == list(range(50)) and ids[50] == "…[+950 items]"


@pytest.mark.parametrize(
    "fields",
    [
        {f"field_{i}": "z" * 2000 for i in range(40)},
        # JSON escapes: six bytes per character, so the characters cut alone would not bound the bytes.
        {f"field_{i}": "\x00" * 2000 for i in range(40)},
        {f"field_{i}": "ø" * 2000 for i in range(40)},
        {"deep": [[[[["w" * 400] * 50] * 50] * 50] * 50]},
    ],
    ids=["ascii", "escaped", "danish", "deep"],
)
def test_every_line_is_bounded_and_keeps_its_head(fields: dict[str, object]) -> None:
    line = JsonFormatter().format(record("chat.big", **fields))
    parsed = strict_json(line)
    assert len(line.encode("utf-8")) <= MAX_LINE_BYTES
    assert parsed["event"] == "chat.big" and parsed["level"] == "info"
    assert int(str(parsed["truncated_bytes"])) > MAX_LINE_BYTES
    assert isinstance(parsed["fields"], str) and parsed["fields"].startswith('{"')


def test_a_long_traceback_is_bounded_and_keeps_its_start_and_its_error() -> None:
    try:
        raise ValueError("the end of it " + "q" * 50_000)
    except ValueError:
        line = JsonFormatter().format(record("http.unexpected_error", exc_info=True, path="/" + "p" * 5000))
    parsed = strict_json(line)
    assert len(line.encode("utf-8")) <= MAX_EXCEPTION_LINE_BYTES
    exception = str(parsed["exception"])
    assert exception.startswith("Traceback (most recent call last):")
    assert "chars]" in exception and exception.endswith("q" * 100)


def test_a_lone_surrogate_is_written_as_its_escape() -> None:
    line = JsonFormatter().format(record(text="a\ud800b"))
    assert '"a\\ud800b"' in line
    assert strict_json(line)["text"] == "a\ud800b"


def test_values_json_cannot_hold_are_written_as_text() -> None:
    parsed = strict_json(
        JsonFormatter().format(record(nan=float("nan"), inf=float("inf"), huge=10**5000, kinds={"phone", "cpr"}))
    )
    assert (parsed["nan"], parsed["inf"]) == ("nan", "inf")
    assert parsed["huge"] == f"<int of {(10**5000).bit_length()} bits>"
    assert parsed["kinds"] == ["cpr", "phone"]


def test_deep_and_wide_structures_are_summarised_cheaply() -> None:
    assert bounded([[[[["too deep"]]]]]) == [[[["<list of 1 items>"]]]]
    assert bounded({"big": set(range(1000))}) == {"big": "<set of 1000 items>"}
    # Fifty lists of fifty lists …: the walk stops after a fixed number of values, not 50⁴.
    walked = json.dumps(bounded([[[["v"] * 50] * 50] * 50] * 50))
    assert walked.count('"v"') < 1_000 and "<list of 50 items>" in walked

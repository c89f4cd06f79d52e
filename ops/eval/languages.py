"""Messages in other languages: did the gateway reply in a language the citizen reads? Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.settings import PROJECT_ROOT

LANGUAGES = PROJECT_ROOT / "kb" / "eval" / "languages.yml"
NORMAL = "normal"  # no language reply: the message took the bot's usual path


@dataclass(frozen=True)
class LanguageCase:
    """One message, the language it is written in, and the reply language expected (or NORMAL)."""

    say: str
    written: str
    reply: str
    municipality: str = "kalundborg"


@dataclass(frozen=True)
class LanguageOutcome:
    case: LanguageCase
    got: str  # the reply's language code, or NORMAL
    escalated: bool
    reply: str

    @property
    def correct(self) -> bool:
        if self.case.reply == NORMAL:
            return self.got == NORMAL
        # A language reply always hands over to DDH: the bot cannot help in that language.
        return self.got == self.case.reply and self.escalated


@dataclass(frozen=True)
class LanguageSummary:
    not_danish: int
    in_expected_language: float  # of the non-Danish messages, answered in the expected language
    nordic: int  # Danish, Norwegian and Swedish messages
    nordic_redirected: float  # of those, wrongly given a language reply
    short_other: int  # other languages too short to judge
    short_other_redirected: float
    failures: list[LanguageOutcome]


def load_language_cases(path: Path = LANGUAGES) -> list[LanguageCase]:
    """The labelled messages: ``not_danish`` expect a reply language, ``normal_path`` the usual path."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = [
        LanguageCase(str(item["say"]), str(item["written"]), str(item.get("reply", item["written"])))
        for item in data.get("not_danish", [])
    ]
    cases += [LanguageCase(str(item["say"]), str(item["written"]), NORMAL) for item in data.get("normal_path", [])]
    return cases


def judge_language(case: LanguageCase, response: dict[str, Any]) -> LanguageOutcome:
    """What the gateway did: the first message's ``lang`` names a language reply; none means NORMAL."""
    messages = response.get("messages") or []
    lang = next((m["lang"] for m in messages if m.get("lang")), None)
    return LanguageOutcome(
        case=case,
        got=str(lang) if lang else NORMAL,
        escalated=bool(response.get("escalated")),
        reply=" / ".join(str(m.get("text", "")) for m in messages),
    )


def _share(outcomes: Sequence[LanguageOutcome], wrong: bool) -> float:
    if not outcomes:
        return 0.0
    return sum(o.correct != wrong for o in outcomes) / len(outcomes)


def summarise_languages(outcomes: Sequence[LanguageOutcome]) -> LanguageSummary:
    """The shares the report shows, and every message handled wrongly."""
    other = [o for o in outcomes if o.case.reply != NORMAL]
    nordic = [o for o in outcomes if o.case.reply == NORMAL and o.case.written in ("da", "no", "sv")]
    short = [o for o in outcomes if o.case.reply == NORMAL and o.case.written not in ("da", "no", "sv")]
    return LanguageSummary(
        not_danish=len(other),
        in_expected_language=_share(other, wrong=False),
        nordic=len(nordic),
        nordic_redirected=_share(nordic, wrong=True),
        short_other=len(short),
        short_other_redirected=_share(short, wrong=True),
        failures=[o for o in outcomes if not o.correct],
    )

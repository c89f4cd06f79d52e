"""Which language a citizen wrote in, so non-Danish writers get a reply they can read.

langdetect is seeded, so the same text always gets the same answer. It is consulted only
when the text is long enough to judge; short, ambiguous or Nordic-looking texts count as
Danish, because a Danish citizen wrongly told "I only speak Danish" is the worse mistake.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from langdetect import DetectorFactory, LangDetectException, detect_langs

from kb.normalize import fold_danish_letters

# Danish, Norwegian and Swedish readers take the normal path.
NORDIC = frozenset({"da", "no", "sv"})
DANISH = "da"

# Words that only Nordic writers use; one is enough to keep the normal path.
_NORDIC_WORDS_WRITTEN = """
    jeg ikke hvad hvordan hvor hvornår hvorfor hvilke hvilken hvem skal har mig dig og på til af
    gerne hej noget nogen være blive bliver få får også eller når hvis vil må jer mitt
    jag inte hur och ikkje kva korleis nej mistet glemt fornye forny flytte flyttet flytning
    anbefale kommune kommunen borgerservice åbent åbningstider passet det dette denne ansøgning mangler
    hente lørdag søndag
""".split()
# Nordic words other languages use too; two of them together are Nordic enough.
_SHARED_WORDS = frozenset("kan min mine pas tak en et vi fra".split())


def _ascii_spellings(word: str) -> set[str]:
    """The word as citizens type it without æ, ø and å (ae, oe, aa), besides the real spelling."""
    return {word, fold_danish_letters(word)}


_NORDIC_WORDS = frozenset(spelling for word in _NORDIC_WORDS_WRITTEN for spelling in _ascii_spellings(word))
_NORDIC_LETTERS = frozenset("æøåÆØÅ")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# A Latin-script text is judged only with this much to go on.
MIN_WORDS = 4
MIN_LETTERS = 16
# Below this, the language is not told apart from its neighbours: reply in English.
MIN_PROBABILITY = 0.7
# Nordic probability mass above this keeps the normal path.
NORDIC_MASS = 0.3


@dataclass(frozen=True)
class Language:
    """The verdict: an ISO 639-1 code, and whether the normal Danish path applies."""

    code: str
    nordic: bool


def _non_latin_share(letters: str) -> float:
    """Share of letters outside the Latin script (Arabic, Cyrillic …)."""
    if not letters:
        return 0.0
    non_latin = sum(1 for ch in letters if "LATIN" not in unicodedata.name(ch, "LATIN"))
    return non_latin / len(letters)


def prepare_language_detection() -> None:
    """At process start: seed langdetect and load its language profiles (~0.4 s, not on a citizen's time).

    langdetect samples at random; a fixed seed gives every text the same verdict every time.
    """
    DetectorFactory.seed = 0
    detect_langs("Warming up the language profiles before the first citizen writes")


def detect_language(text: str) -> Language:
    """The language of a citizen's message; Danish when it cannot be judged."""
    words = _WORD.findall(text)
    letters = "".join(words)
    if _non_latin_share(letters) > 0.5:
        # Arabic, Cyrillic …: the script itself says it is not Nordic.
        judge = len(letters) >= 2
    else:
        lowered = [w.lower() for w in words]
        looks_nordic = (
            bool(_NORDIC_LETTERS & set(letters))
            or sum(w in _SHARED_WORDS for w in lowered) >= 2
            or any(w in _NORDIC_WORDS for w in lowered)
        )
        judge = not looks_nordic and len(words) >= MIN_WORDS and len(letters) >= MIN_LETTERS
    if not judge:
        return Language(DANISH, nordic=True)
    try:
        guesses = detect_langs(text)
    except LangDetectException:
        return Language(DANISH, nordic=True)
    if sum(g.prob for g in guesses if g.lang in NORDIC) > NORDIC_MASS:
        return Language(DANISH, nordic=True)
    best = max(guesses, key=lambda g: g.prob)
    return Language(best.lang if best.prob >= MIN_PROBABILITY else "en", nordic=False)

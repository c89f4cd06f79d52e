"""Danish text normalisation shared by guides and queries, and tokenisation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

# Citizens often type without æ, ø and å; folding both sides to the ASCII
# spellings lets "aabningstider" and "åbningstider" meet.
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe", "ä": "ae"})
_TOKEN = re.compile(r"[a-z0-9]+")

# Short, frequent Danish words that carry no topic (kept small on purpose:
# words like "ikke" or "hvornår" matter for some guides).
STOPWORDS = frozenset(
    "af at de den der det du en er et for fra har i jeg kan man med min mit og om pa paa "
    "sig skal som til vi vil hvad hvordan hej tak mig jer".split()
)


def fold_danish_letters(text: str) -> str:
    """Lower-case with æ, ø and å (and é, ü, ö, ä) as citizens type them without: ae, oe, aa."""
    return text.lower().translate(_FOLD)


def normalize(text: str) -> str:
    """Lower-case, NFKC, fold æøå to ae/oe/aa and collapse whitespace."""
    return " ".join(fold_danish_letters(unicodedata.normalize("NFKC", text)).split())


def loose_name(name: str) -> str:
    """A name as citizens spell it in any way: Høje-Taastrup, hoeje taastrup, Hoje-Tåstrup all meet."""
    folded = normalize(name)  # æøå are already ae, oe, aa here
    for digraph, letter in (("ae", "a"), ("oe", "o"), ("aa", "a")):
        folded = folded.replace(digraph, letter)
    return "".join(ch for ch in folded if ch.isalpha())


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("danish")


def tokenize(text: str) -> list[str]:
    """Normalised, stemmed content tokens of a text."""
    words = [w for w in _TOKEN.findall(normalize(text)) if w not in STOPWORDS]
    return list(_stemmer().stemWords(words))


_ASCII_SPELLINGS = (("aa", "å"), ("ae", "æ"), ("oe", "ø"))


def restore_danish_letters(text: str) -> str:
    """Guess å, æ and ø back from citizens' ASCII spellings ("aabningstider" → "åbningstider").

    Only for a second query embedding beside the original: a wrong guess costs nothing
    because the better-matching of the two is used.
    """
    text = normalize(text)
    for ascii_spelling, letter in _ASCII_SPELLINGS:
        text = text.replace(ascii_spelling, letter)
    return text


def char_ngrams(text: str, n: int = 4) -> list[str]:
    """Character n-grams of each normalised word, padded with spaces: robust to typos and compounds."""
    grams: list[str] = []
    for word in normalize(text).split():
        padded = f" {word} "
        grams += [padded[i : i + n] for i in range(max(1, len(padded) - n + 1))]
    return grams

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


def normalize(text: str) -> str:
    """Lower-case, NFC, fold æøå to ae/oe/aa and collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_FOLD)
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("danish")


def tokenize(text: str) -> list[str]:
    """Normalised, stemmed content tokens of a text."""
    words = [w for w in _TOKEN.findall(normalize(text)) if w not in STOPWORDS]
    return list(_stemmer().stemWords(words))

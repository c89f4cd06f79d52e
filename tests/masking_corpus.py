"""Personal data as citizens type it, and look-alikes that must stay (used by unit and integration tests).

Each CPR form holds exactly one CPR number and no other digit, so a test can read the
number back (`cpr_digits`) and check that nothing else of the sentence changed.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date

# Every way of writing a CPR number we have seen or can foresee; each is a real date, so each must be masked.
CPR_FORMS = [
    "mit cpr er 010190-1234",
    "cpr 010190 1234 tak",
    "0101901234",
    "01.01.90-1234",
    "01.01.90 1234",
    "010190.1234",
    "min søns nummer: 290200-4321",  # 29 February 2000
    "CPR:311299-0001.",
    "Mit CPR-nr. er 150875-2468, kan I se min sag?",
    "cpr nr 2412561357 og jeg har mistet mit pas",
    # Dashes, hyphens and minus signs (Word and phones turn "-" into these).
    "mit cpr er 010190–1234",  # en dash
    "Mit CPR-nummer er 150875—2468.",  # em dash
    "cpr: 010190 – 1234, tak",  # en dash with spaces around
    "Hej, mit cpr-nummer er: 010190 - 1234",  # hyphen with spaces around
    "Min datters cpr er 120305 — 4321, hun skal have pas.",  # em dash with spaces around
    "personnummer 010190‐1234",  # U+2010 hyphen
    "cpr 010190‑1234 (fra min sundhedsapp)",  # U+2011 non-breaking hyphen
    "cpr 010190−1234",  # U+2212 minus sign
    "cpr 010190﹣1234",  # U+FE63 small hyphen-minus
    "cpr 010190－1234",  # U+FF0D full-width hyphen-minus
    "cpr 010190\u00ad1234",  # soft hyphen, invisible when shown
    # Slashes, underscores and dots.
    "mit cpr er 010190/1234",
    "cpr 010190 / 1234 – hvornår kan jeg hente mit pas?",
    "cpr 01/01/90-1234",
    "cpr 010190⁄1234",  # U+2044 fraction slash
    "cpr 010190∕1234",  # U+2215 division slash
    "cpr 010190／1234",  # U+FF0F full-width slash
    "cpr 010190\\1234",  # backslash
    "mit_cpr_er_010190_1234",
    "cpr 01.01.90.1234",
    # Unicode spaces (copied from web pages and PDFs) and spaces between every digit.
    "cpr 010190\u00a01234",  # no-break space
    "cpr 010190\u202f1234",  # narrow no-break space
    "cpr 010190\u20091234",  # thin space
    "cpr 010190\u30001234",  # ideographic space
    "cpr 010190\u200b1234",  # zero-width space
    "cpr 010190  1234",  # two spaces
    "mit cpr er 0 1 0 1 9 0 1 2 3 4",
    "mit cpr er 0 1 0 1 9 0 - 1 2 3 4",
    "cpr 01 01 90 12 34",
    "cpr 0\u00a01\u00a00\u00a01\u00a09\u00a00\u00a01\u00a02\u00a03\u00a04",
    # Digits of other scripts, alone and mixed (phone keyboards, pasted text).
    "mit cpr er ０１０１９０１２３４",  # full-width
    "mit cpr er ０１０１９０－１２３４",
    "mit cpr er ٠١٠١٩٠-١٢٣٤ tak",  # Arabic-Indic
    "cpr ۰۱۰۱۹۰-۱۲۳۴",  # Extended Arabic-Indic (Persian, Urdu)
    "cpr ०१०१९०-१२३४",  # Devanagari
    "cpr 𝟎𝟏𝟎𝟏𝟗𝟎-𝟏𝟐𝟑𝟒",  # mathematical bold
    "cpr 01０1９0–12３4",  # ASCII and full-width mixed
    "cpr ０١0۱९0 – 1２3٤",  # every script at once
]

# Numbers that look like personal data but are not: no 10-digit run whose first six digits are a date,
# and no eight-digit phone number in pairs or fours (dates are 8 digits, so "01/12/2026" and
# "2026-12-01" are neither a CPR number nor a phone number and stay as they are).
LOOK_ALIKES = [
    "et pas koster 891 kr i 2023",
    "ordrenummer 1234567890",  # 12/34 is no date
    "ring til 70 20 00 00",  # DDH's public number
    "ring til DDH på +45 70 20 00 00",  # 45 70 20 00 00: ten digits, but day 45
    "kommunen har 59 53 44 00",
    "Kalundborg Kommune, Holbækvej 141, 4400 Kalundborg, tlf. 59 53 44 00",
    "jeg flyttede 1. januar 2024",
    "beløbet var 1.250.000 kr",  # seven digits
    "et pas koster 1.250 kr",
    "prisen er 1.250.000.000 kr",  # ten digits, but 12/50 is no date
    "postnummer 4400 kalundborg",
    "320190-1234",  # day 32
    "011390-1234",  # month 13
    "290201-1234",  # 29 February 2001 and 1901: no leap year
    "sagsnummer 0001901234",  # day 00
    "ordre 9876543210",  # day 98
    "pasnummer 123456789",  # nine digits
    "kontonummer 123456789012",  # twelve digits: a longer number is never a CPR number
    "varenummer 0101-90-12345",  # eleven digits
    "åbent 10.00-14.00 den 01.12.2026",
    "borgerservice har åbent kl. 10.00-14.00",
    "mødet er den 01/12/2026",  # a date: eight digits
    "fristen er 2026-12-01",  # an ISO date: eight digits, and not a phone number in pairs
    "mødet er den 01.12.2026 10.30",  # twelve digits; the date part 011220 does not end at a separator
    "vi ses kl. 10:30",
    "opgave 12/34",
    "jeg boede der i 2020–2024",  # years: eight digits
    "jeg boede der 2020-2024",
    "et pas koster ８９１ kr",  # full-width digits, three of them
]

# (message, kind): masked as that kind only.
EMAILS_AND_PHONES = [
    ("skriv til mig på jens.hansen@example.dk", "email"),
    ("ring på 12 34 56 78", "phone"),
    ("mit nummer er +45 12345678", "phone"),
    ("tlf 1234 5678", "phone"),
    ("min mail: anne-marie.olsen+kommune@mail.example.com", "email"),
    ("0045 22 33 44 55", "phone"),
    ("ring på 12\u00a034\u00a056\u00a078 efter kl. 16", "phone"),  # no-break spaces
    ("mobil: １２ ３４ ５６ ７８", "phone"),  # full-width digits
    ("tlf. 12-34-56-78", "phone"),
    ("tlf. 12–34–56–78", "phone"),
    ("min mail er jens0101901234@example.dk", "email"),  # the whole address goes, digits and all
]

# Building blocks for generated CPR sentences (property tests, integration test).
SEPARATORS = {
    "none": [""],
    "hyphen": ["-", "\u2010", "\u2011"],
    "dash": ["\u2012", "\u2013", "\u2014", " \u2013 ", " \u2014 ", "\u00a0\u2013\u00a0"],
    "minus": ["\u2212", "\ufe63", "\uff0d"],
    "slash": ["/", " / ", "\\", "\u2044", "\u2215", "\uff0f"],
    "underscore": ["_", "\uff3f"],
    "dot": [".", ". "],
    "space": [" ", "  ", "\u00a0", "\u202f", "\u2009", "\u2007", "\u3000"],
    "invisible": ["\u00ad", "\u200b", "\u2060"],
}
SPACES = SEPARATORS["space"]
DIGIT_SCRIPTS = {
    "ascii": "0123456789",
    "full-width": "０１２３４５６７８９",
    "arabic-indic": "٠١٢٣٤٥٦٧٨٩",
    "persian": "۰۱۲۳۴۵۶۷۸۹",
    "devanagari": "०१२३४५६७८९",
    "bengali": "০১২৩৪৫৬৭৮৯",
    "math-bold": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
}
# How the ten digits are grouped: DDMMYY·XXXX, DD·MM·YY·XXXX, DD.MM.YY·XXXX, or one digit at a time.
LAYOUTS = ["date-suffix", "every-part", "dotted-date", "one-by-one"]
BEFORE = [
    "",
    "Mit CPR-nummer er",
    "Hej! Mit cpr er",
    "cpr:",
    "CPR-nr.",
    "Min datters personnummer er",
    "Jeg hedder Jens Hansen, og mit cpr er",
    "Kan I finde min sag? Mit CPR er",
    "Jeg skal forny pas til min søn (cpr",
    "«",
    "Hvornår kan jeg hente mit sundhedskort? Personnr.:",
]
AFTER = [
    "",
    ".",
    ", tak.",
    " – kan I hjælpe?",
    ") og jeg har mistet mit pas.",
    "? Hvad gør jeg nu?",
    "!",
    "»",
    " og jeg er flyttet til Kalundborg.",
    "; jeg har ikke MitID endnu.",
]
FIRST_BIRTH_DATE, LAST_BIRTH_DATE = date(1858, 1, 1), date(2057, 12, 31)  # what ten CPR digits can mean


def cpr_digits(form: str) -> str:
    """The ten digits of the one CPR number in a CPR form, in ASCII."""
    digits = "".join(str(unicodedata.decimal(char)) for char in form if char.isdecimal())
    assert len(digits) == 10, form
    return digits


def write_cpr(digits: str, layout: str, separator: str, script: str) -> str:
    """Ten ASCII digits written as a citizen might: grouped by layout, joined by separator, in a script."""
    if layout == "date-suffix":
        parts = [digits[:6], digits[6:]]
    elif layout == "every-part":
        parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:]]
    elif layout == "dotted-date":
        parts = [f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}", digits[6:]]
    else:
        parts = list(digits)
    written = separator.join(parts)
    scripts = list(DIGIT_SCRIPTS.values())
    # "mixed": each digit from the next script in turn.
    table = [scripts[i % len(scripts)] if script == "mixed" else DIGIT_SCRIPTS[script] for i in range(len(written))]
    return "".join(table[i][int(char)] if char.isdigit() else char for i, char in enumerate(written))


def cpr_sentence(birth: date, suffix: int, layout: str, separator: str, script: str, before: str, after: str) -> str:
    """A Danish sentence holding one CPR number (birth date DDMMYY, then four digits)."""
    cpr = write_cpr(f"{birth:%d%m%y}{suffix:04d}", layout, separator, script)
    return f"{before} {cpr}{after}".lstrip()


def random_cpr_sentence(rng: random.Random, separator_kind: str | None = None) -> tuple[str, str]:
    """(sentence, its CPR number in ASCII) chosen by rng from every layout, script and separator (of a kind)."""
    birth = date.fromordinal(rng.randint(FIRST_BIRTH_DATE.toordinal(), LAST_BIRTH_DATE.toordinal()))
    suffix = rng.randrange(10_000)
    separator = rng.choice(SEPARATORS[separator_kind or rng.choice(sorted(SEPARATORS))])
    layout = rng.choice(LAYOUTS)
    if layout == "one-by-one" and not separator:
        separator = rng.choice(SPACES)
    script = rng.choice([*DIGIT_SCRIPTS, "mixed"])
    sentence = cpr_sentence(birth, suffix, layout, separator, script, rng.choice(BEFORE), rng.choice(AFTER))
    return sentence, f"{birth:%d%m%y}{suffix:04d}"


def readable_digits(text: str) -> str:
    """The text as a reader sees its digits: ASCII digits and letters only, every other character dropped."""
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text if char.isalnum())

"""Language detection: Nordic and short texts take the normal path; others are recognised."""

from __future__ import annotations

import pytest

from bot.language import detect_language, prepare_language_detection


@pytest.fixture(autouse=True, scope="module")
def _seeded() -> None:
    """As the gateway does at start: verdicts are then the same on every run."""
    prepare_language_detection()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("How do I renew my passport?", "en"),
        ("I need help with MitID please", "en"),
        ("Hi, I lost my passport", "en"),
        ("What are the opening hours of the citizen service?", "en"),
        ("Wie kann ich meinen Reisepass verlängern?", "de"),
        ("Ich bin umgezogen, was muss ich jetzt tun?", "de"),
        ("Jak mogę odnowić paszport?", "pl"),
        ("Gdzie mogę zgłosić przeprowadzkę?", "pl"),
        ("Як мені продовжити паспорт?", "uk"),
        ("كيف يمكنني تجديد جواز السفر؟", "ar"),
        ("Comment renouveler mon passeport ?", "fr"),
    ],
)
def test_other_languages_are_recognised(text: str, code: str) -> None:
    verdict = detect_language(text)
    assert (verdict.code, verdict.nordic) == (code, False)


@pytest.mark.parametrize(
    "text",
    [
        "Hvad koster et pas?",
        "mitid virker ikke",
        "Hvornår skal jeg melde flytning",
        "kan jeg bestille tid til pas online",
        "jeg er flyttet til Kalundborg",
        "hej jeg har mistet mit pas hvad gør jeg nu",
        "aabningstider hoje-taastrup loerdag",  # ASCII spelling of å, ø
        "Hvordan fornyer jeg passet mitt?",  # Norwegian
        "Hur förnyar jag mitt pass?",  # Swedish
        "ja",
        "nej tak",
        "Hello",  # too short to judge
        "help",
        "mitid support telefon",
        "??",
        "12345",
        "",
    ],
)
def test_danish_nordic_and_short_texts_take_the_normal_path(text: str) -> None:
    assert detect_language(text).nordic is True


def test_detection_repeats() -> None:
    text = "Could you tell me where I can get a new passport"
    assert len({detect_language(text) for _ in range(20)}) == 1

"""A small labelled set of Danish questions the bot could not answer: paraphrases of the same
question share a label, different questions (some on the same subject) do not.

It tunes ``bot.analytics.clustering.DISTANCE_THRESHOLD`` and ``bot.analytics.groups.MATCH_SIMILARITY``
with the real e5 model.
"""

from __future__ import annotations

PARAPHRASES: dict[str, list[str]] = {
    "kørekort-forny": [
        "Hvordan fornyer jeg mit kørekort?",
        "Mit kørekort udløber snart, hvad skal jeg gøre?",
        "Skal jeg forny mit kørekort?",
        "fornyelse af kørekort",
    ],
    "kørekort-mistet": [
        "Jeg har mistet mit kørekort",
        "Mit kørekort er blevet stjålet",
        "Hvad gør jeg, når mit kørekort er væk?",
    ],
    "sundhedskort-nyt": [
        "Jeg har mistet mit sundhedskort",
        "Hvordan får jeg et nyt sundhedskort?",
        "bestil nyt sundhedskort",
        "Mit sygesikringskort er væk",
    ],
    "parkering": [
        "Hvordan får jeg en parkeringstilladelse?",
        "Hvor søger jeg om beboerlicens til parkering?",
        "parkeringstilladelse til min bil",
    ],
    "storskrald": [
        "Hvornår bliver mit storskrald hentet?",
        "afhentning af storskrald",
        "Hvordan bestiller jeg afhentning af storskrald?",
    ],
    "navneændring": [
        "Hvordan skifter jeg mit efternavn?",
        "Jeg vil gerne ændre mit navn",
        "navneændring hvordan gør man",
    ],
    "pas-klar": [
        "Hvornår er mit pas klar?",
        "Mit nye pas er ikke kommet endnu",
        "Hvornår kan jeg hente mit pas?",
    ],
    "boligstøtte": [
        "Kan jeg få boligstøtte?",
        "Hvordan søger jeg om boligstøtte?",
        "ansøgning om boligstøtte til min lejlighed",
    ],
    "forskudsopgørelse": [
        "Hvordan ændrer jeg min forskudsopgørelse?",
        "Jeg skal rette min forskudsopgørelse",
        "ændre forskudsopgørelsen hos skat",
    ],
    "mitid-ny-telefon": [
        "Hvordan flytter jeg MitID til min nye telefon?",
        "Jeg har fået en ny mobil, hvordan får jeg MitID-appen på den?",
        "MitID app på ny telefon",
    ],
}

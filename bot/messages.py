"""Danish texts the gateway itself shows citizens (the dialogue's texts live in the domain).

DDH's number is defined once, in ``kb/ddh.yml``: texts that name it hold ``{ddh_phone}``,
filled in by ``with_ddh`` from the hotline the gateway loaded at start.
"""

from __future__ import annotations

from kb.municipalities import Hotline

DEGRADED = (
    "Beklager, chatten har tekniske problemer lige nu. Ring til Den Digitale Hotline "
    "på {ddh_phone}, så hjælper en medarbejder dig. Du kan også prøve igen om lidt."
)
DDH_LINK_TITLE = "Ring til Den Digitale Hotline: {ddh_phone}"

EMPTY_MESSAGE = "Skriv venligst en besked, før du sender."
MESSAGE_TOO_LONG = "Beskeden er for lang. Skriv højst {limit} tegn."
INVALID_JSON = "Forespørgslen kunne ikke læses. Send gyldig JSON."
INVALID_REQUEST = "Forespørgslen er ugyldig: {problems}"
UNKNOWN_MUNICIPALITY = "Kommunen '{slug}' kendes ikke. Brug en af: {known}."
MALFORMED_SESSION = "Samtale-id'et har et ugyldigt format."
UNKNOWN_SESSION = "Samtalen findes ikke. Start en ny samtale uden samtale-id."
SESSION_OTHER_MUNICIPALITY = "Samtalen hører til en anden kommune. Start en ny samtale."
NOT_FOUND = "Siden eller ressourcen findes ikke."
METHOD_NOT_ALLOWED = "Metoden er ikke tilladt her."
INTERNAL_ERROR = "Der skete en uventet fejl. Prøv igen, eller ring til Den Digitale Hotline på {ddh_phone}."

# Told when personal data was removed from a message before anything kept it.
PERSONAL_DATA_REMOVED = (
    "Jeg har fjernet {what} fra din besked, så det ikke bliver gemt. Skriv aldrig CPR-nummer "
    "eller andre personlige oplysninger her – det har jeg ikke brug for for at hjælpe dig."
)
PERSONAL_DATA_KINDS = {"cpr": "dit CPR-nummer", "email": "din e-mailadresse", "phone": "dit telefonnummer"}

# To a citizen who writes in another language: the bot answers in Danish, DDH helps by phone.
# Keyed by ISO 639-1; languages without a translation get English.
NOT_DANISH_REPLIES = {
    "en": (
        "Sorry, I can only answer in Danish. You are welcome to write your question in Danish, "
        "or call Den Digitale Hotline on +45 {ddh_phone} for help."
    ),
    "de": (
        "Entschuldigung, ich kann nur auf Dänisch antworten. Schreiben Sie Ihre Frage gern auf Dänisch, "
        "oder rufen Sie Den Digitale Hotline unter +45 {ddh_phone} an."
    ),
    "pl": (
        "Przepraszam, odpowiadam tylko po duńsku. Możesz zadać pytanie po duńsku "
        "albo zadzwonić do Den Digitale Hotline pod numer +45 {ddh_phone}."
    ),
    "uk": (
        "Вибачте, я відповідаю лише данською мовою. Напишіть, будь ласка, своє питання данською "
        "або зателефонуйте на Den Digitale Hotline: +45 {ddh_phone}."
    ),
    "ar": (
        "عذرًا، لا أستطيع الرد إلا باللغة الدنماركية. يمكنك كتابة سؤالك بالدنماركية، "
        "أو الاتصال بـ Den Digitale Hotline على الرقم \u200e+45 {ddh_phone}."
    ),
}
NOT_DANISH_FALLBACK = "en"
# Shown under the translation, for staff reading over the citizen's shoulder.
NOT_DANISH_IN_DANISH = "Jeg svarer kun på dansk. Ring til Den Digitale Hotline på {ddh_phone} for at få hjælp."

RATE_LIMITED = (
    "Du har sendt mange beskeder på kort tid. Vent et øjeblik, og prøv så igen – "
    "eller ring til Den Digitale Hotline på {ddh_phone}."
)
BODY_TOO_LARGE = "Forespørgslen er for stor. Send højst {limit} byte."
ORIGIN_NOT_ALLOWED = "Chatten for {name} må ikke bruges fra denne hjemmeside ({origin})."


def with_ddh(template: str, hotline: Hotline, **fields: object) -> str:
    """A text with DDH's number (and any other fields) filled in."""
    return template.format(ddh_phone=hotline.phone, **fields)

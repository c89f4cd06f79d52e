"""Danish texts the gateway itself shows citizens (the dialogue's texts live in domain.yml)."""

DDH_PHONE = "70 20 00 00"
DDH_PHONE_URI = "tel:+4570200000"

DEGRADED = (
    "Beklager, chatten har tekniske problemer lige nu. Ring til Den Digitale Hotline "
    f"på {DDH_PHONE}, så hjælper en medarbejder dig. Du kan også prøve igen om lidt."
)
DDH_LINK_TITLE = f"Ring til Den Digitale Hotline: {DDH_PHONE}"

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
INTERNAL_ERROR = f"Der skete en uventet fejl. Prøv igen, eller ring til Den Digitale Hotline på {DDH_PHONE}."

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
        f"or call Den Digitale Hotline on +45 {DDH_PHONE} for help."
    ),
    "de": (
        "Entschuldigung, ich kann nur auf Dänisch antworten. Schreiben Sie Ihre Frage gern auf Dänisch, "
        f"oder rufen Sie Den Digitale Hotline unter +45 {DDH_PHONE} an."
    ),
    "pl": (
        "Przepraszam, odpowiadam tylko po duńsku. Możesz zadać pytanie po duńsku "
        f"albo zadzwonić do Den Digitale Hotline pod numer +45 {DDH_PHONE}."
    ),
    "uk": (
        "Вибачте, я відповідаю лише данською мовою. Напишіть, будь ласка, своє питання данською "
        f"або зателефонуйте на Den Digitale Hotline: +45 {DDH_PHONE}."
    ),
    "ar": (
        "عذرًا، لا أستطيع الرد إلا باللغة الدنماركية. يمكنك كتابة سؤالك بالدنماركية، "
        f"أو الاتصال بـ Den Digitale Hotline على الرقم \u200e+45 {DDH_PHONE}."
    ),
}
NOT_DANISH_FALLBACK = "en"
# Shown under the translation, for staff reading over the citizen's shoulder.
NOT_DANISH_IN_DANISH = f"Jeg svarer kun på dansk. Ring til Den Digitale Hotline på {DDH_PHONE} for at få hjælp."

RATE_LIMITED = (
    "Du har sendt mange beskeder på kort tid. Vent et øjeblik, og prøv så igen – "
    f"eller ring til Den Digitale Hotline på {DDH_PHONE}."
)
BODY_TOO_LARGE = "Forespørgslen er for stor. Send højst {limit} byte."
ORIGIN_NOT_ALLOWED = "Chatten for {name} må ikke bruges fra denne hjemmeside ({origin})."

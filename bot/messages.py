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

"""Personal data as citizens type it, and look-alikes that must stay (used by unit and integration tests)."""

# Every common way of writing a CPR number; each is a real date, so each must be masked.
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
]

# Numbers that look like personal data but are not: prices, years, order numbers, public phones.
LOOK_ALIKES = [
    "et pas koster 891 kr i 2023",
    "ordrenummer 1234567890",  # 12/34 is no date
    "ring til 70 20 00 00",  # DDH's public number
    "kommunen har 59 53 44 00",
    "jeg flyttede 1. januar 2024",
    "beløbet var 1.250.000 kr",
    "postnummer 4400 kalundborg",
    "320190-1234",  # day 32
    "011390-1234",  # month 13
    "pasnummer 123456789",  # nine digits
    "åbent 10.00-14.00 den 01.12.2026",
]

EMAILS_AND_PHONES = [
    ("skriv til mig på jens.hansen@example.dk", "email"),
    ("ring på 12 34 56 78", "phone"),
    ("mit nummer er +45 12345678", "phone"),
    ("tlf 1234 5678", "phone"),
    ("min mail: anne-marie.olsen+kommune@mail.example.com", "email"),
    ("0045 22 33 44 55", "phone"),
]

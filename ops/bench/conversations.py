"""The simulated citizens' scripts: realistic multi-turn Danish conversations, many from kb/eval/dialogues.yml.

The same texts go to our stack and to the floor, so both parse and answer the same load.
"""

from __future__ import annotations

MUNICIPALITY = "kalundborg"

# Each script is one conversation (one session); a citizen runs them in turn until the level's messages run out.
CONVERSATIONS: tuple[tuple[str, ...], ...] = (
    ("hej jeg skal have fornyet mit pas", "hvad koster det?", "/affirm"),
    ("jeg flytter d. 1 i næste måned, hvordan melder jeg flytning", "koster det noget at skifte", "/affirm"),
    ("jeg kan ikke huske mit bruger id til mitid", "/deny", "jeg har mistet min telefon med mitid på"),
    ("hvornår har borgerservice åbent", "har I åbent i morgen?", "hvad med på lørdag"),
    ("hvornår skal jeg betale ejendomsskat", "ok tak"),
    ("jeg kan ikke finde mit pas nogen steder, tror det er væk", "hvor lang tid tager det så", "/affirm"),
    ("min datter på 4 år skal have sit første pas, hvordan gør vi", "skal hun selv med?", "/deny", "medarbejder tak"),
    ("vi har lige købt hus og flytter ind på fredag, hvad skal vi huske", "/affirm", "farvel"),
    ("hvordan kontakter jeg mitid support", "har den digitale hotline åben nu"),
    ("Hvad koster et pas?", "hvad med for børn", "/affirm"),
)

# Sent one by one before the first level and not counted: loads lazy parts (models, caches, connections).
WARM_UP: tuple[str, ...] = ("Hvad koster et pas?", "hvad koster det?", "har I åbent i morgen?", "/affirm", "hej")


def script_for(citizen: int, round_: int, citizens: int) -> tuple[str, ...]:
    """The script a citizen holds in a given round: citizens start at different scripts, then step on."""
    return CONVERSATIONS[(citizen + round_ * citizens) % len(CONVERSATIONS)]

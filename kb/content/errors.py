"""What the content store refuses, each with the Danish message staff read."""

from __future__ import annotations

from datetime import datetime

from kb.hours import COPENHAGEN


class ContentError(Exception):
    """Anything the content store refuses; ``str()`` is the Danish message."""


class GuideValidationError(ContentError):
    """A guide source that does not parse or validate; ``problems`` are (field, Danish message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        listed = "; ".join(f"{field}: {message}" for field, message in problems)
        super().__init__(f"Vejledningen kan ikke gemmes: {listed}")


class GuideExistsError(ContentError):
    """A new guide whose id is already taken."""

    def __init__(self, guide_id: str) -> None:
        self.guide_id = guide_id
        super().__init__(f"Der findes allerede en vejledning med id '{guide_id}'. Vælg et andet id.")


class GuideNotFoundError(ContentError):
    """No guide with this id."""

    def __init__(self, guide_id: str) -> None:
        self.guide_id = guide_id
        super().__init__(f"Vejledningen '{guide_id}' findes ikke.")


class VersionNotFoundError(ContentError):
    """The guide exists, the version asked for does not."""

    def __init__(self, guide_id: str, number: int) -> None:
        self.guide_id = guide_id
        self.number = number
        super().__init__(f"Vejledningen '{guide_id}' har ingen version {number}.")


class GuideRetiredError(ContentError):
    """Publishing a retired guide: it must be restored first, so citizens never see it by accident."""

    def __init__(self, guide_id: str) -> None:
        self.guide_id = guide_id
        super().__init__(f"Vejledningen '{guide_id}' er trukket tilbage. Gendan den, før du offentliggør den.")


class MunicipalityExistsError(ContentError):
    """New municipality data for a slug that already has some."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(f"Der findes allerede oplysninger om kommunen '{slug}'.")


class MunicipalityNotFoundError(ContentError):
    """No municipality data with this slug."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(f"Kommunen '{slug}' findes ikke.")


class ConflictError(ContentError):
    """Someone saved a newer version since the editor opened theirs (optimistic concurrency)."""

    def __init__(
        self, latest_version: int, by: str, at: datetime, subject: str = "Vejledningen", pronoun: str = "den"
    ) -> None:
        self.latest_version = latest_version
        self.by = by
        self.at = at
        when = at.astimezone(COPENHAGEN).strftime("%H.%M")
        super().__init__(
            f"{subject} er blevet gemt af {by} kl. {when} siden du åbnede {pronoun} (nu version {latest_version}). "
            "Dine ændringer er ikke gemt: åbn den nyeste version, og indfør dem igen."
        )

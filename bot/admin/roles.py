"""The staff roles (docs/admin.md, "Roles") and the Danish name staff see for each."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A staff account's role; the value is what `admin_users.role` stores."""

    EDITOR = "editor"
    NATIONAL_EDITOR = "national_editor"
    ADMIN = "admin"
    MANAGER = "manager"

    @property
    def label(self) -> str:
        """The role's name on the staff pages and in the command line's messages."""
        return ROLE_LABELS[self]

    @property
    def has_municipality(self) -> bool:
        """Whether an account with this role belongs to one municipality (editor, manager) or to none."""
        return self in MUNICIPAL_ROLES


ROLE_LABELS: dict[Role, str] = {
    Role.EDITOR: "Redaktør",
    Role.NATIONAL_EDITOR: "National redaktør",
    Role.ADMIN: "Administrator",
    Role.MANAGER: "Leder",
}

# Roles whose account belongs to one municipality; the others must have none.
MUNICIPAL_ROLES = frozenset({Role.EDITOR, Role.MANAGER})

"""What a staff account may do: pure functions over `StaffUser`, the one place the roles table lives.

The rules (docs/admin.md, "Roles"), for a guide whose `scope` is `national` or a municipality slug:

- `editor` (one municipality): national guides read and test only; its own municipality's local
  guides everything (read, test, edit, publish, export); its own municipality's data, read and edit.
- `national_editor`: national guides everything; no local guide of any municipality, not even to
  read (local guides are the municipalities' own business); no municipality data.
- `admin`: every guide and every municipality's data; the only role that manages staff accounts.
- `manager` (one municipality, issue 15): reads national guides and its own municipality's local
  guides and data; changes nothing.
- The weekly review (issue 15) of a municipality: its managers and editors, and administrators.

An inactive account may do nothing at all. Publishing needs exactly what editing needs: whoever
may change a guide may also put it in front of citizens (there is no separate approval step).
A guide or municipality the user may not read is answered 404 by the pages, never 403.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.admin.accounts import StaffUser
from bot.admin.roles import Role

# The `scope` of a guide every municipality shows (kb.schema.Guide.scope).
NATIONAL_SCOPE = "national"


def _own(user: StaffUser, slug: str) -> bool:
    return user.municipality is not None and user.municipality == slug


def can_read_guide(user: StaffUser, guide_municipality: str) -> bool:
    """Whether the user may open, preview and test a guide of this scope (`national` or a slug)."""
    if not user.active:
        return False
    if user.role is Role.ADMIN:
        return True
    if guide_municipality == NATIONAL_SCOPE:
        return True
    if user.role is Role.NATIONAL_EDITOR:
        return False
    return _own(user, guide_municipality)


def readable(user: StaffUser, guide_municipality: str) -> bool:
    """The same rule as `can_read_guide`, by the name the list pages filter guides with."""
    return can_read_guide(user, guide_municipality)


def can_edit_guide(user: StaffUser, guide_municipality: str) -> bool:
    """Whether the user may create, change, retire, restore and export a guide of this scope."""
    if not user.active:
        return False
    if user.role is Role.ADMIN:
        return True
    if guide_municipality == NATIONAL_SCOPE:
        return user.role is Role.NATIONAL_EDITOR
    return user.role is Role.EDITOR and _own(user, guide_municipality)


def can_publish(user: StaffUser, guide_municipality: str) -> bool:
    """Whether the user may publish (or roll back and publish) a guide: the same as editing it."""
    return can_edit_guide(user, guide_municipality)


def can_read_municipality(user: StaffUser, slug: str) -> bool:
    """Whether the user may see a municipality's data (hours, addresses, contact)."""
    if not user.active:
        return False
    if user.role is Role.ADMIN:
        return True
    return user.role in (Role.EDITOR, Role.MANAGER) and _own(user, slug)


def can_edit_municipality(user: StaffUser, slug: str) -> bool:
    """Whether the user may change a municipality's data."""
    if not user.active:
        return False
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.EDITOR and _own(user, slug)


def can_read_reports(user: StaffUser, slug: str) -> bool:
    """Whether the user may see a municipality's weekly review (figures, question groups, conversations)
    and set its question groups' states: its managers and editors, and administrators."""
    if not user.active:
        return False
    if user.role is Role.ADMIN:
        return True
    return user.role in (Role.MANAGER, Role.EDITOR) and _own(user, slug)


def may_see_reports(user: StaffUser) -> bool:
    """Whether the user may see some municipality's weekly review (the menu shows "Rapporter")."""
    return user.active and (
        user.role is Role.ADMIN or (user.role in (Role.MANAGER, Role.EDITOR) and bool(user.municipality))
    )


def can_manage_users(user: StaffUser) -> bool:
    """Whether the user may create, deactivate, unlock staff accounts and set their passwords."""
    return user.active and user.role is Role.ADMIN


def editable_scopes(user: StaffUser, all_slugs: Iterable[str]) -> list[str]:
    """The scopes the new-guide form offers: `national` first, then the municipalities, by slug."""
    candidates = [NATIONAL_SCOPE, *sorted(set(all_slugs) - {NATIONAL_SCOPE})]
    return [scope for scope in candidates if can_edit_guide(user, scope)]

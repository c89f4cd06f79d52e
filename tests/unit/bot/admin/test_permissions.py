"""The roles table of docs/admin.md, cell by cell: every role on national, own and other guides and data."""

from __future__ import annotations

import pytest

from bot.admin.accounts import StaffUser
from bot.admin.permissions import (
    can_edit_guide,
    can_edit_municipality,
    can_manage_users,
    can_publish,
    can_read_guide,
    can_read_municipality,
    editable_scopes,
    readable,
)
from bot.admin.roles import Role

OWN = "kalundborg"
OTHER = "hoeje-taastrup"
SCOPES = {"national": "national", "own": OWN, "other": OTHER}


def user(role: Role, active: bool = True) -> StaffUser:
    return StaffUser(1, role.value, "Test Bruger", role, OWN if role.has_municipality else None, active)


# role -> guide scope -> (read, edit)
GUIDES = {
    Role.EDITOR: {"national": (True, False), "own": (True, True), "other": (False, False)},
    Role.NATIONAL_EDITOR: {"national": (True, True), "own": (False, False), "other": (False, False)},
    Role.ADMIN: {"national": (True, True), "own": (True, True), "other": (True, True)},
    Role.MANAGER: {"national": (True, False), "own": (True, False), "other": (False, False)},
}
# role -> municipality -> (read, edit)
MUNICIPALITIES = {
    Role.EDITOR: {"own": (True, True), "other": (False, False)},
    Role.NATIONAL_EDITOR: {"own": (False, False), "other": (False, False)},
    Role.ADMIN: {"own": (True, True), "other": (True, True)},
    Role.MANAGER: {"own": (True, False), "other": (False, False)},
}


@pytest.mark.parametrize(
    ("role", "scope", "expected"),
    [(role, scope, cell) for role, row in GUIDES.items() for scope, cell in row.items()],
)
def test_guides(role: Role, scope: str, expected: tuple[bool, bool]) -> None:
    staff = user(role)
    guide_municipality = SCOPES[scope]
    read, edit = expected
    assert can_read_guide(staff, guide_municipality) is read
    assert readable(staff, guide_municipality) is read
    assert can_edit_guide(staff, guide_municipality) is edit
    assert can_publish(staff, guide_municipality) is edit


@pytest.mark.parametrize(
    ("role", "which", "expected"),
    [(role, which, cell) for role, row in MUNICIPALITIES.items() for which, cell in row.items()],
)
def test_municipality_data(role: Role, which: str, expected: tuple[bool, bool]) -> None:
    staff = user(role)
    read, edit = expected
    assert can_read_municipality(staff, SCOPES[which]) is read
    assert can_edit_municipality(staff, SCOPES[which]) is edit


def test_the_table_covers_every_role() -> None:
    assert set(GUIDES) == set(MUNICIPALITIES) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_only_an_admin_manages_users(role: Role) -> None:
    assert can_manage_users(user(role)) is (role is Role.ADMIN)


@pytest.mark.parametrize("role", list(Role))
def test_an_inactive_account_may_do_nothing(role: Role) -> None:
    staff = user(role, active=False)
    for scope in SCOPES.values():
        assert not can_read_guide(staff, scope)
        assert not can_edit_guide(staff, scope)
        assert not can_read_municipality(staff, scope)
        assert not can_edit_municipality(staff, scope)
    assert not can_manage_users(staff)
    assert editable_scopes(staff, [OWN, OTHER]) == []


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.EDITOR, [OWN]),
        (Role.NATIONAL_EDITOR, ["national"]),
        (Role.ADMIN, ["national", OTHER, OWN]),
        (Role.MANAGER, []),
    ],
)
def test_the_new_guide_form_offers_the_scopes_the_user_may_edit(role: Role, expected: list[str]) -> None:
    assert editable_scopes(user(role), [OWN, OTHER]) == expected


def test_an_editor_of_an_unknown_municipality_is_offered_no_scope() -> None:
    assert editable_scopes(user(Role.EDITOR), [OTHER]) == []

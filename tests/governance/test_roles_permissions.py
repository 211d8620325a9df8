"""Roles and permissions."""

from __future__ import annotations

import pytest

from reunite.errors import PermissionDenied
from reunite.governance.roles import (
    PERMISSIONS,
    Action,
    Actor,
    Role,
    is_permitted,
    require_permission,
)


class TestPermissionExamples:
    def test_every_role_has_a_row(self) -> None:
        assert set(PERMISSIONS) == set(Role)

    def test_lab_analyst_imports(self) -> None:
        actor = Actor.of("ana", ["lab-analyst"])

        require_permission(actor, Action.IMPORT_PROFILES)  # raises PermissionDenied if refused
        assert is_permitted(actor, Action.IMPORT_PROFILES)

    def test_union_of_roles(self) -> None:
        actor = Actor.of("dana", [Role.AUDITOR, Role.REVIEWER])

        assert is_permitted(actor, Action.REVIEW_MATCH)
        assert is_permitted(actor, Action.READ_AUDIT)
        assert not is_permitted(actor, Action.EXPUNGE)


class TestPermissionErrors:
    @pytest.mark.parametrize(
        ("role", "action"),
        [
            (Role.ADMIN, Action.READ_PROFILE),  # admins run the system, not the genotypes
            (Role.AUDITOR, Action.SEARCH),
            (Role.CASE_WORKER, Action.IMPORT_PROFILES),
            (Role.REVIEWER, Action.EXPUNGE),
            (Role.LAB_ANALYST, Action.ROTATE_KEYS),
            (Role.DATA_PROTECTION_OFFICER, Action.SEARCH),
        ],
    )
    def test_denied(self, role: Role, action: Action) -> None:
        with pytest.raises(PermissionDenied) as info:
            require_permission(Actor.of("x", [role]), action)

        assert info.value.action == action.value
        assert info.value.actor == "x"

    def test_no_role_can_do_nothing(self) -> None:
        nobody = Actor.of("nobody", [])

        assert not any(is_permitted(nobody, action) for action in Action)

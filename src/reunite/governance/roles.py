"""Roles, the actions they may take, and the one permission check the services call.

The table follows the users of DESIGN.md: the case worker holds cases and consents, the
lab analyst imports genotypes, the reviewer decides on candidates, the data-protection
officer handles withdrawals, retention and the audit, the admin manages users and keys
(and, on purpose, cannot read genotypes), and the auditor only reads and verifies the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from reunite.errors import PermissionDenied

__all__ = ["PERMISSIONS", "Action", "Actor", "Role", "is_permitted", "require_permission"]


class Role(StrEnum):
    """A user's role."""

    CASE_WORKER = "case-worker"
    LAB_ANALYST = "lab-analyst"
    REVIEWER = "reviewer"
    DATA_PROTECTION_OFFICER = "data-protection-officer"
    ADMIN = "admin"
    AUDITOR = "auditor"


class Action(StrEnum):
    """Something a service does on behalf of an actor."""

    OPEN_CASE = "open-case"
    READ_CASE = "read-case"
    RECORD_BASIS = "record-basis"
    ENROL_PROFILE = "enrol-profile"
    IMPORT_PROFILES = "import-profiles"
    READ_PROFILE = "read-profile"
    SEARCH = "search"
    REVIEW_MATCH = "review-match"
    WITHDRAW_CONSENT = "withdraw-consent"
    EXPUNGE = "expunge"
    MANAGE_USERS = "manage-users"
    ROTATE_KEYS = "rotate-keys"
    READ_AUDIT = "read-audit"
    VERIFY_AUDIT = "verify-audit"


PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.CASE_WORKER: frozenset({
        Action.OPEN_CASE, Action.READ_CASE, Action.RECORD_BASIS, Action.ENROL_PROFILE,
        Action.WITHDRAW_CONSENT,
    }),
    Role.LAB_ANALYST: frozenset({
        Action.READ_CASE, Action.ENROL_PROFILE, Action.IMPORT_PROFILES, Action.READ_PROFILE,
        Action.SEARCH,
    }),
    Role.REVIEWER: frozenset({
        Action.READ_CASE, Action.READ_PROFILE, Action.SEARCH, Action.REVIEW_MATCH,
    }),
    Role.DATA_PROTECTION_OFFICER: frozenset({
        Action.READ_CASE, Action.RECORD_BASIS, Action.WITHDRAW_CONSENT, Action.EXPUNGE,
        Action.READ_AUDIT, Action.VERIFY_AUDIT,
    }),
    Role.ADMIN: frozenset({Action.MANAGE_USERS, Action.ROTATE_KEYS, Action.VERIFY_AUDIT}),
    Role.AUDITOR: frozenset({Action.READ_AUDIT, Action.VERIFY_AUDIT}),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user name and the roles granted to it."""

    name: str
    roles: frozenset[Role]

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(Role(r) for r in self.roles))

    @classmethod
    def of(cls, name: str, roles: Iterable[Role | str]) -> Actor:
        """Build an actor from role names."""
        return cls(name, frozenset(Role(r) for r in roles))


def is_permitted(actor: Actor, action: Action) -> bool:
    """True when one of the actor's roles grants ``action``."""
    return any(Action(action) in PERMISSIONS[role] for role in actor.roles)


def require_permission(actor: Actor, action: Action) -> None:
    """Raise :class:`PermissionDenied` unless one of the actor's roles grants ``action``."""
    if not is_permitted(actor, action):
        roles = ", ".join(sorted(r.value for r in actor.roles)) or "no role"
        raise PermissionDenied(
            f"{actor.name!r} ({roles}) may not {Action(action).value}",
            actor=actor.name,
            action=Action(action).value,
        )

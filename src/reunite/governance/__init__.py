"""Governance: pure decisions about bases, searches, roles and the audit chain; no database.

- :mod:`.indices` — the five segregated indices and the purposes of a search;
- :mod:`.policy` — the search matrix, in one function (:func:`authorize_search`);
- :mod:`.consent` — consent and legal-order bases, DUO-aligned scopes, validity checks;
- :mod:`.roles` — roles, actions and :func:`require_permission`;
- :mod:`.audit` — audit events and their hash chain.
"""

from reunite.governance.audit import AuditEvent, ChainedEvent, verify_chain
from reunite.governance.consent import (
    Basis,
    Consent,
    ConsentScope,
    LegalOrder,
    check_basis,
    require_valid_basis,
)
from reunite.governance.indices import Index, Purpose
from reunite.governance.policy import Decision, authorize_search, require_search_allowed
from reunite.governance.roles import Action, Actor, Role, require_permission

__all__ = [
    "Action",
    "Actor",
    "AuditEvent",
    "Basis",
    "ChainedEvent",
    "Consent",
    "ConsentScope",
    "Decision",
    "Index",
    "LegalOrder",
    "Purpose",
    "Role",
    "authorize_search",
    "check_basis",
    "require_permission",
    "require_search_allowed",
    "require_valid_basis",
    "verify_chain",
]

"""The search-policy interface: every search entry point asks it before scanning.

The search matrix itself (which index may be compared with which, for what purpose) lives
in one place, :func:`reunite.governance.policy.require_search_allowed`. ``search`` may not
import ``governance`` (they are sibling layers), so each public search function takes the
policy as a :class:`SearchPolicy` argument; the service layer passes governance's function.
There is deliberately no default and no "allow everything" policy in this package.
"""

from __future__ import annotations

from typing import Protocol

from reunite.errors import PurposeNotPermitted

__all__ = ["SearchPolicy", "enforce_policy"]


class SearchPolicy(Protocol):
    """Decides whether ``query_index`` may be searched against ``target_index``.

    Raises :class:`~reunite.errors.GovernanceError` (e.g. ``PurposeNotPermitted``) to
    refuse; may also return a decision object whose ``allowed`` attribute is False.
    """

    def __call__(self, query_index: str, target_index: str, *, purpose: str) -> object: ...


def enforce_policy(
    policy: SearchPolicy, query_index: str, target_index: str, *, purpose: str
) -> object:
    """Ask ``policy``; raise :class:`PurposeNotPermitted` if it refuses in any form."""
    if not callable(policy):
        raise PurposeNotPermitted(
            "no search policy was given; the engine never searches without one",
            query_index=query_index, target_index=target_index, purpose=purpose,
        )
    decision = policy(query_index, target_index, purpose=purpose)
    if getattr(decision, "allowed", True) is False:
        raise PurposeNotPermitted(
            str(getattr(decision, "reason", "search refused by policy")),
            query_index=query_index, target_index=target_index, purpose=purpose,
        )
    return decision

"""The search matrix of DESIGN.md, enforced in one function that every search path calls.

=========================  ===========================================================
index                      compared with
=========================  ===========================================================
``reference-direct``       unidentified living, unidentified remains (identification)
``reference-family``       unidentified living, unidentified remains (identification)
``unidentified-living``    reference-direct, reference-family (identification)
``unidentified-remains``   reference-direct, reference-family (identification);
                           unidentified-remains (commingling)
``elimination``            everything, for contamination only; never an identification
=========================  ===========================================================

Any other (query index, target index, purpose) triple is refused. The matrix is symmetric:
a family reference searched against remains is the same comparison as remains searched
against the family reference. :func:`authorize_search` is pure; the service layer
(``reunite.services.searching``) calls it, audits the outcome and raises on refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

from reunite.errors import PurposeNotPermitted
from reunite.governance.indices import Index, Purpose

__all__ = ["Decision", "authorize_search", "require_search_allowed"]


@dataclass(frozen=True)
class Decision:
    """The verdict on one requested comparison.

    ``reportable_as_identification`` is False for every comparison that may run but must
    never appear in an identification report (contamination and commingling checks).
    """

    allowed: bool
    reason: str
    reportable_as_identification: bool = False


def authorize_search(query_index: Index, target_index: Index, *, purpose: Purpose) -> Decision:
    """Decide whether ``query_index`` may be compared with ``target_index`` for ``purpose``.

    The one place the search matrix lives (DESIGN.md, "Indices and the search matrix").
    """
    query_index = Index(query_index)
    target_index = Index(target_index)
    purpose = Purpose(purpose)
    pair = f"{query_index.value} against {target_index.value}"

    if Index.ELIMINATION in (query_index, target_index):
        if purpose is Purpose.CONTAMINATION:
            return Decision(True, f"{pair}: contamination check against the elimination index")
        return Decision(
            False,
            f"{pair} for {purpose.value}: the elimination index is used for contamination "
            "checks only and never for identification",
        )
    if purpose is Purpose.CONTAMINATION:
        return Decision(
            False, f"{pair}: a contamination check needs the elimination index on one side"
        )
    if purpose is Purpose.COMMINGLING:
        if query_index is target_index is Index.UNIDENTIFIED_REMAINS:
            return Decision(True, f"{pair}: remains against remains to resolve commingling")
        return Decision(
            False, f"{pair}: commingling compares unidentified remains with each other only"
        )
    # Identification: one reference side, one unidentified side, in either order.
    if (query_index.is_reference and target_index.is_unidentified) or (
        query_index.is_unidentified and target_index.is_reference
    ):
        return Decision(
            True,
            f"{pair}: a missing person's reference against the unidentified",
            reportable_as_identification=True,
        )
    if query_index.is_reference and target_index.is_reference:
        why = "references are compared only with unidentified persons and remains"
    elif query_index is target_index is Index.UNIDENTIFIED_REMAINS:
        why = "remains are compared with each other only to resolve commingling"
    else:
        why = "unidentified persons and remains are compared only with references"
    return Decision(False, f"{pair} for identification is not in the search matrix: {why}")


def require_search_allowed(
    query_index: Index, target_index: Index, *, purpose: Purpose
) -> Decision:
    """:func:`authorize_search`, raising :class:`PurposeNotPermitted` when refused."""
    decision = authorize_search(query_index, target_index, purpose=purpose)
    if not decision.allowed:
        raise PurposeNotPermitted(
            decision.reason,
            query_index=Index(query_index).value,
            target_index=Index(target_index).value,
            purpose=Purpose(purpose).value,
        )
    return decision

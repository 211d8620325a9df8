"""The search matrix of DESIGN.md, checked pair by pair against a hand-written table."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reunite.errors import PurposeNotPermitted
from reunite.governance.indices import Index, Purpose
from reunite.governance.policy import authorize_search, require_search_allowed

RD, RF = Index.REFERENCE_DIRECT, Index.REFERENCE_FAMILY
UL, UR = Index.UNIDENTIFIED_LIVING, Index.UNIDENTIFIED_REMAINS
EL = Index.ELIMINATION
ID, CM, CT = Purpose.IDENTIFICATION, Purpose.COMMINGLING, Purpose.CONTAMINATION

# Written out by hand from DESIGN.md's table, not derived from the code.
ALLOWED: set[tuple[Index, Index, Purpose]] = {
    (RD, UL, ID), (RD, UR, ID), (RF, UL, ID), (RF, UR, ID),
    (UL, RD, ID), (UL, RF, ID), (UR, RD, ID), (UR, RF, ID),
    (UR, UR, CM),
    *((EL, other, CT) for other in Index),
    *((other, EL, CT) for other in Index),
}
ALL_TRIPLES = list(itertools.product(Index, Index, Purpose))
FORBIDDEN = [t for t in ALL_TRIPLES if t not in ALLOWED]


class TestSearchMatrixExamples:
    def test_table_sizes(self) -> None:
        # 8 identification + 1 commingling + 9 contamination pairs (EL×EL counted once).
        assert len(ALLOWED) == 18
        assert len(FORBIDDEN) == 5 * 5 * 3 - 18

    @pytest.mark.parametrize(("query", "target", "purpose"), sorted(ALLOWED))
    def test_authorize_search__allowed(self, query: Index, target: Index, purpose: Purpose) -> None:
        decision = authorize_search(query, target, purpose=purpose)

        assert decision.allowed
        assert require_search_allowed(query, target, purpose=purpose) == decision

    @pytest.mark.parametrize(("query", "target", "purpose"), FORBIDDEN)
    def test_authorize_search__forbidden(
        self, query: Index, target: Index, purpose: Purpose
    ) -> None:
        decision = authorize_search(query, target, purpose=purpose)

        assert not decision.allowed
        assert query.value in decision.reason
        with pytest.raises(PurposeNotPermitted) as info:
            require_search_allowed(query, target, purpose=purpose)
        assert info.value.query_index == query.value
        assert info.value.target_index == target.value
        assert info.value.purpose == purpose.value

    def test_only_reference_against_unidentified_is_an_identification(self) -> None:
        reportable = {
            t for t in ALLOWED if authorize_search(t[0], t[1], purpose=t[2])
            .reportable_as_identification
        }

        assert reportable == {t for t in ALLOWED if t[2] is ID}

    def test_family_reference_never_against_reference(self) -> None:
        for purpose in Purpose:
            assert not authorize_search(RF, RF, purpose=purpose).allowed
            assert not authorize_search(RF, RD, purpose=purpose).allowed

    def test_accepts_plain_strings(self) -> None:
        decision = authorize_search(
            "reference-family", "unidentified-remains",  # type: ignore[arg-type]
            purpose="identification",  # type: ignore[arg-type]
        )

        assert decision.allowed


@given(st.sampled_from(Index), st.sampled_from(Index), st.sampled_from(Purpose))
def test_matrix_is_symmetric(query: Index, target: Index, purpose: Purpose) -> None:
    forward = authorize_search(query, target, purpose=purpose)
    backward = authorize_search(target, query, purpose=purpose)

    assert forward.allowed == backward.allowed
    assert forward.reportable_as_identification == backward.reportable_as_identification

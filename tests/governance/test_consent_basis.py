"""Consent and legal-order bases: validity, scope, DUO terms."""

from __future__ import annotations

from datetime import date

import pytest

from reunite.errors import ConsentError
from reunite.governance.consent import (
    Consent,
    ConsentScope,
    LegalOrder,
    check_basis,
    require_valid_basis,
    review_due,
)
from reunite.governance.indices import Index, Purpose

TODAY = date(2026, 11, 25)


def family_consent(**changes: object) -> Consent:
    values: dict[str, object] = {
        "signed_by": "form 2026-118 (mother of the missing person)",
        "signed_on": date(2026, 1, 10),
        "scope": ConsentScope(frozenset({Index.REFERENCE_FAMILY})),
        "international_sharing": False,
        "retention_until": date(2036, 1, 10),
        "review_on": date(2027, 1, 10),
    }
    values.update(changes)
    return Consent(**values)  # type: ignore[arg-type]


def remains_order(**changes: object) -> LegalOrder:
    values: dict[str, object] = {
        "authority": "Coroner, district 4",
        "reference": "CO-2026-77",
        "issued_on": date(2026, 3, 1),
        "indices": frozenset({Index.UNIDENTIFIED_REMAINS}),
    }
    values.update(changes)
    return LegalOrder(**values)  # type: ignore[arg-type]


class TestBasisExamples:
    def test_valid_consent(self) -> None:
        decision = require_valid_basis(family_consent(), index=Index.REFERENCE_FAMILY, on=TODAY)

        assert decision.allowed

    def test_valid_legal_order_for_commingling(self) -> None:
        decision = check_basis(
            remains_order(), index=Index.UNIDENTIFIED_REMAINS, on=TODAY,
            purposes=[Purpose.COMMINGLING],
        )

        assert decision.allowed

    def test_duo_terms__no_international_sharing_adds_geographical_restriction(self) -> None:
        local = family_consent().duo_terms
        shared = family_consent(international_sharing=True).duo_terms

        assert set(local) - set(shared) == {"DUO:0000022"}
        assert "DUO:0000044" in shared  # no ancestry research, ever
        for research_permission in ("DUO:0000042", "DUO:0000006", "DUO:0000007"):
            assert research_permission not in local

    def test_review_due(self) -> None:
        assert not review_due(family_consent(), on=TODAY)
        assert review_due(family_consent(review_on=TODAY), on=TODAY)
        assert not review_due(remains_order(), on=TODAY)


class TestBasisErrors:
    def test_no_basis(self) -> None:
        assert not check_basis(None, index=Index.REFERENCE_FAMILY, on=TODAY).allowed
        with pytest.raises(ConsentError, match="no basis"):
            require_valid_basis(None, index=Index.REFERENCE_FAMILY, on=TODAY)

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"withdrawn_on": date(2026, 6, 1)}, "withdrawn_on"),
            ({"retention_until": date(2026, 11, 24)}, "retention_until"),
            ({"scope": ConsentScope(frozenset({Index.UNIDENTIFIED_LIVING}))}, "scope"),
            ({"signed_on": date(2026, 11, 26)}, "signed_on"),
            ({"signed_by": "  "}, "signed_by"),
        ],
    )
    def test_invalid_consent(self, changes: dict[str, object], field: str) -> None:
        with pytest.raises(ConsentError) as info:
            require_valid_basis(family_consent(**changes), index=Index.REFERENCE_FAMILY, on=TODAY)

        assert [p.field for p in info.value.problems] == [field]

    def test_withdrawn_today_is_invalid_yesterday_valid(self) -> None:
        consent = family_consent(withdrawn_on=TODAY)

        assert not check_basis(consent, index=Index.REFERENCE_FAMILY, on=TODAY).allowed
        assert check_basis(
            consent, index=Index.REFERENCE_FAMILY, on=date(2026, 11, 24)
        ).allowed

    def test_consent_purpose_not_covered(self) -> None:
        with pytest.raises(ConsentError) as info:
            require_valid_basis(
                family_consent(), index=Index.REFERENCE_FAMILY, on=TODAY,
                purposes=[Purpose.COMMINGLING],
            )

        assert info.value.problems[0].value == "commingling"

    def test_all_problems_collected(self) -> None:
        consent = family_consent(withdrawn_on=date(2026, 2, 1), retention_until=date(2026, 2, 2))

        decision = check_basis(consent, index=Index.ELIMINATION, on=TODAY)

        assert not decision.allowed
        assert decision.reason.count(";") == 2

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"expires_on": date(2026, 11, 1)}, "expires_on"),
            ({"revoked_on": date(2026, 11, 1)}, "revoked_on"),
            ({"issued_on": date(2027, 1, 1)}, "issued_on"),
            ({"reference": ""}, "authority"),
            ({"indices": frozenset({Index.REFERENCE_FAMILY})}, "indices"),
            ({"purposes": frozenset({Purpose.COMMINGLING})}, "purposes"),
        ],
    )
    def test_invalid_legal_order(self, changes: dict[str, object], field: str) -> None:
        with pytest.raises(ConsentError) as info:
            require_valid_basis(
                remains_order(**changes), index=Index.UNIDENTIFIED_REMAINS, on=TODAY
            )

        assert [p.field for p in info.value.problems] == [field]

    def test_international_sharing_must_be_bool(self) -> None:
        with pytest.raises(ConsentError, match="international_sharing"):
            family_consent(international_sharing="no")

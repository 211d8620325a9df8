"""Server-side validation of the web forms: every problem collected, then one InputError.

The browser enforces the same rules with HTML ``required`` attributes, but a form can
always be posted without them; these checks are the ones that count. The consent form
needs the signature reference, the signing date, the scope (identification in this case),
the retention date (after signing), the review date and an explicit yes/no on
international sharing, plus the case worker's confirmation that the donor signed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reunite.errors import InputError, Problem

__all__ = ["ConsentForm", "parse_consent_form"]


@dataclass(frozen=True)
class ConsentForm:
    """A validated consent form."""

    signed_by: str
    signed_on: date
    retention_until: date
    review_on: date
    international_sharing: bool


def _date(raw: str, name: str, problems: list[Problem]) -> date | None:
    if not raw.strip():
        problems.append(Problem("required", field=name))
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        problems.append(Problem("not a date (YYYY-MM-DD)", field=name, value=raw))
        return None


def parse_consent_form(*, signed_by: str, signed_on: str, retention_until: str,
                       review_on: str, scope: str, international_sharing: str,
                       donor_confirmed: str) -> ConsentForm:
    """Validate the consent form fields (strings as posted); InputError lists every problem."""
    problems: list[Problem] = []
    if not signed_by.strip():
        problems.append(Problem("required", field="signed_by"))
    elif len(signed_by.strip()) > 200:
        problems.append(Problem("at most 200 characters", field="signed_by"))
    signed = _date(signed_on, "signed_on", problems)
    until = _date(retention_until, "retention_until", problems)
    review = _date(review_on, "review_on", problems)
    if scope != "identification":
        problems.append(Problem("required", field="scope", value=scope or None))
    if international_sharing not in ("yes", "no"):
        problems.append(Problem("required", field="international_sharing",
                                value=international_sharing or None))
    if donor_confirmed != "yes":
        problems.append(Problem("required", field="donor_confirmed"))
    if signed and until and until <= signed:
        problems.append(Problem("must be after the signing date", field="retention_until",
                                value=retention_until))
    if signed and review and review < signed:
        problems.append(Problem("must not be before the signing date", field="review_on",
                                value=review_on))
    if problems or signed is None or until is None or review is None:
        raise InputError("the consent form is incomplete", problems=problems,
                         field="consent")
    return ConsentForm(signed_by.strip(), signed, until, review, international_sharing == "yes")

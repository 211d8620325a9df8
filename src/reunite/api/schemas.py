"""Wire models (pydantic 2): what the HTTP API accepts and returns.

Kept apart from the domain values (``reunite.genetics``) and the stored records
(``reunite.storage``): routes convert at the edge. Responses never carry a genotype except
the profile upload request itself; candidates carry per-marker log10 LRs, not alleles.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ApiTokenIn",
    "ApiTokenOut",
    "AuditVerifyOut",
    "BasisOut",
    "CandidateOut",
    "CaseIn",
    "CaseOut",
    "CaseWithPeopleOut",
    "ConsentIn",
    "DecisionIn",
    "DecisionOut",
    "ExpungeIn",
    "HealthOut",
    "IdOut",
    "ImportOut",
    "JobOut",
    "LegalOrderIn",
    "PedigreeOut",
    "PersonIn",
    "PersonOut",
    "ProfileIn",
    "SearchIn",
    "TokenOut",
    "UnidentifiedPersonIn",
    "UserIn",
    "WithdrawalIn",
    "WithdrawalOut",
]

_Text = Field(min_length=1, max_length=200)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class HealthOut(BaseModel):
    """Liveness and what the service runs on."""

    status: Literal["ok"]
    version: str
    database: str
    profiles_indexed: dict[str, int]


class TokenOut(BaseModel):
    """An OAuth2 bearer token."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class UserIn(_In):
    """A new user account."""

    username: str = Field(min_length=1, max_length=64, pattern=r"^\S+$")
    password: str = Field(min_length=10, max_length=256)
    roles: list[str] = Field(min_length=1, max_length=6)


class ApiTokenIn(_In):
    """A new API token for a lab instrument."""

    name: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    roles: list[str] = Field(default_factory=lambda: ["lab-analyst"], min_length=1,
                             max_length=6)


class ApiTokenOut(BaseModel):
    """The API token, shown once."""

    name: str
    token: str


class IdOut(BaseModel):
    """The id of a record just created."""

    id: str


class CaseIn(_In):
    """A missing-person case to open."""

    reference: str = Field(min_length=1, max_length=64)
    opened_on: date | None = None
    missing_since: date | None = None
    description: str = Field(default="", max_length=2000)


class CaseOut(BaseModel):
    """A case."""

    id: str
    reference: str
    status: str
    opened_on: date
    missing_since: date | None
    description: str


class PersonIn(_In):
    """A person in a case pedigree (typed or not)."""

    label: str = Field(min_length=1, max_length=64)
    role: Literal["missing", "relative"] = "relative"
    father_id: str | None = Field(default=None, max_length=32)
    mother_id: str | None = Field(default=None, max_length=32)
    relationship: str = Field(default="", max_length=64)


class UnidentifiedPersonIn(_In):
    """An unidentified living person, remains, or a staff member (elimination)."""

    label: str = Field(min_length=1, max_length=64)
    role: Literal["unidentified-living", "unidentified-remains", "elimination"]


class PersonOut(BaseModel):
    """A person (no sex, ethnicity or address is ever recorded)."""

    id: str
    case_id: str | None
    role: str
    label: str
    father_id: str | None
    mother_id: str | None
    relationship: str


class CaseWithPeopleOut(CaseOut):
    """A case and its people."""

    people: list[PersonOut]


class PedigreeOut(BaseModel):
    """The case pedigree: person id, parents, sex inferred from parenthood."""

    case_id: str
    missing_person: str | None
    persons: list[dict[str, str | None]]


class ConsentIn(_In):
    """A signed consent (family reference, living unidentified person or guardian)."""

    signed_by: str = _Text
    signed_on: date
    retention_until: date
    review_on: date
    indices: list[str] | None = Field(default=None, max_length=5)
    purposes: list[str] | None = Field(default=None, max_length=3)
    international_sharing: bool = False


class LegalOrderIn(_In):
    """A legal order (unidentified remains)."""

    authority: str = _Text
    reference: str = Field(min_length=1, max_length=100)
    issued_on: date
    expires_on: date | None = None
    indices: list[str] | None = Field(default=None, max_length=5)
    purposes: list[str] | None = Field(default=None, max_length=3)


class BasisOut(BaseModel):
    """A consent or legal order as recorded (withdrawn_on / revoked_on once ended)."""

    id: str
    person_id: str
    kind: str
    indices: list[str]
    purposes: list[str]
    signed_on: date | None
    retention_until: date | None
    withdrawn_on: date | None
    authority: str | None
    order_reference: str | None
    issued_on: date | None
    expires_on: date | None
    revoked_on: date | None


class ProfileIn(_In):
    """A profile to enrol for a person: profile JSON plus where it comes from."""

    profile: dict[str, Any] = Field(
        description='Profile JSON: {"id": "...", "genotypes": {"D3S1358": ["15", "16"]}}')
    kit: str = Field(min_length=1, max_length=64)
    lab: str = Field(min_length=1, max_length=128)
    basis_id: str | None = Field(default=None, max_length=32)


class ImportOut(BaseModel):
    """What an import stored."""

    source: str
    format: str
    imported: int
    profile_ids: dict[str, str]
    warnings: list[str]


class SearchIn(_In):
    """A search to run in the background; the statistics default to the installation's
    settings (``REUNITE_THETA``, ``REUNITE_MUTATION_*``, ``REUNITE_LR_THRESHOLD``,
    ``REUNITE_SEARCH_K``)."""

    kind: Literal["direct", "screen", "blind"]
    case: str | None = Field(default=None, max_length=64,
                             description="Case id or reference (direct and screen).")
    target_indices: list[Literal["unidentified-living", "unidentified-remains"]] | None = None
    threshold: float | None = Field(default=None, gt=0, le=1e300,
                                    description="LR at or above which a hit is stored.")
    k: int | None = Field(default=None, ge=1, le=1000,
                          description="Best hits kept per family.")
    theta: float | None = Field(default=None, ge=0, lt=1,
                                description="Subpopulation correction θ (Balding–Nichols).")
    mutation_model: Literal["equal", "proportional", "onestep", "stepwise", "none"] | None = (
        Field(default=None, description="Mutation model of both sexes."))
    mutation_rate: float | None = Field(
        default=None, ge=0, lt=1,
        description="Mutation rate per maternal meiosis (and paternal unless given).")
    mutation_rate_male: float | None = Field(default=None, ge=0, lt=1,
                                             description="Mutation rate per paternal meiosis.")


class JobOut(BaseModel):
    """A background job and its progress."""

    id: str
    kind: str
    status: str
    progress: float
    message: str
    created_at: datetime
    finished_at: datetime | None
    result: dict[str, Any] | None
    error: dict[str, Any] | None


class DecisionOut(BaseModel):
    """A review decision."""

    reviewer: str
    decision: str
    reason: str
    decided_at: datetime


class CandidateOut(BaseModel):
    """A match candidate: LR total and per marker (log10), status and decisions."""

    id: str
    case_id: str | None
    case_reference: str | None
    query_profile_id: str
    target_profile_id: str
    target_person_id: str | None
    log10_lr: float
    per_marker_log10_lr: dict[str, float | None]
    kind: str | None
    status: str
    decisions: list[DecisionOut]
    created_at: datetime
    settings: dict[str, Any] | None = Field(
        default=None, description="The search settings the candidate was found with: θ, "
                                  "female and male mutation models, minimum allele count, "
                                  "LR threshold, k.")
    provenance: dict[str, Any] | None


class DecisionIn(_In):
    """Confirm or reject a candidate, with the reason."""

    decision: Literal["confirm", "reject"]
    reason: str = Field(min_length=1, max_length=2000)


class WithdrawalIn(_In):
    """Why a consent is withdrawn (or a legal order revoked)."""

    reason: str = Field(min_length=1, max_length=2000)


class ExpungeIn(_In):
    """Profiles a legal order requires expunged."""

    profile_ids: list[str] = Field(min_length=1, max_length=1000)
    authority: str = _Text
    reference: str = Field(min_length=1, max_length=100)


class WithdrawalOut(BaseModel):
    """The profiles expunged (ciphertext and key deleted)."""

    basis_id: str
    expunged_profiles: list[str]


class AuditVerifyOut(BaseModel):
    """The audit chain verified."""

    events: int
    valid: bool

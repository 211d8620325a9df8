"""The five segregated indices a profile can live in, and the purposes a search may serve.

DESIGN.md, "Indices and the search matrix": family references, direct references,
unidentified living persons, unidentified remains and the staff elimination index are kept
apart; which of them may be compared, and for what, is decided in :mod:`.policy` alone.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Index", "PersonRole", "Purpose"]


class Index(StrEnum):
    """A segregated profile index. The value is the name used in files, the CLI and the DB."""

    REFERENCE_DIRECT = "reference-direct"
    """The missing person's own DNA (toothbrush, stored sample)."""
    REFERENCE_FAMILY = "reference-family"
    """Relatives of a missing person, tied to the case pedigree."""
    UNIDENTIFIED_LIVING = "unidentified-living"
    """Lost children, elderly people, anyone who cannot say who they are."""
    UNIDENTIFIED_REMAINS = "unidentified-remains"
    """Human remains."""
    ELIMINATION = "elimination"
    """Laboratory staff and sample collectors: contamination checks only."""

    @property
    def is_reference(self) -> bool:
        """True for the two indices that hold a missing person's references."""
        return self in (Index.REFERENCE_DIRECT, Index.REFERENCE_FAMILY)

    @property
    def is_unidentified(self) -> bool:
        """True for the two indices that hold people or remains waiting for a name."""
        return self in (Index.UNIDENTIFIED_LIVING, Index.UNIDENTIFIED_REMAINS)


class Purpose(StrEnum):
    """Why a comparison is run. A basis names the purposes it allows."""

    IDENTIFICATION = "identification"
    """Name an unidentified person or remains from a missing person's references."""
    COMMINGLING = "commingling"
    """Re-associate remains of one body found apart (remains against remains)."""
    CONTAMINATION = "contamination"
    """Detect lab or collector contamination against the elimination index; never an ID."""


class PersonRole(StrEnum):
    """A person's part in the system; it fixes the one index the person's profile goes in.

    No sex, ethnicity or residence is recorded for anyone: a relative's place in the case
    pedigree (father / mother links) is all the kinship statistics need.
    """

    MISSING = "missing"
    RELATIVE = "relative"
    UNIDENTIFIED_LIVING = "unidentified-living"
    UNIDENTIFIED_REMAINS = "unidentified-remains"
    ELIMINATION = "elimination"

    @property
    def profile_index(self) -> Index:
        """The index a profile of a person in this role belongs to."""
        return _INDEX_OF_ROLE[self]


_INDEX_OF_ROLE = {
    PersonRole.MISSING: Index.REFERENCE_DIRECT,
    PersonRole.RELATIVE: Index.REFERENCE_FAMILY,
    PersonRole.UNIDENTIFIED_LIVING: Index.UNIDENTIFIED_LIVING,
    PersonRole.UNIDENTIFIED_REMAINS: Index.UNIDENTIFIED_REMAINS,
    PersonRole.ELIMINATION: Index.ELIMINATION,
}

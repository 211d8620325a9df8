"""Random match probability (RMP) of an STR profile, and the identity likelihood ratio.

Model
-----
The RMP is the probability that an unrelated person drawn from the population has the
same genotype as the profile. Per marker (NRC II, 1996, ch. 4):

* θ = 0, Hardy–Weinberg (recommendation 4.1): homozygote ``p²``, heterozygote ``2pq``.
* θ > 0, Balding–Nichols subpopulation correction (NRC II eq. 4.10):

  - homozygote ``[2θ + (1−θ)p][3θ + (1−θ)p] / [(1+θ)(1+2θ)]``
  - heterozygote ``2[θ + (1−θ)p][θ + (1−θ)q] / [(1+θ)(1+2θ)]``

  (both reduce to ``p²`` and ``2pq`` at θ = 0).

Markers combine by the product rule (independent, unlinked loci): ``RMP = Π RMP_m``. For
an identity match (the unknown person *is* the person whose profile this is, against an
unrelated person), the likelihood ratio is ``LR = 1 / RMP``; ``log10_lr`` is summed in log
space so it stays finite even where the product underflows.

Which markers count
-------------------
Only typed, complete, autosomal genotypes at markers in the frequency table are used;
everything else is listed in ``markers_skipped`` with the reason: amelogenin and X/Y
markers (not autosomal, not independent of sex), markers not in the table, and partial
genotypes (one allele unknown). Alleles the table does not list get the table's minimum
allele frequency (see :mod:`reunite.genetics.frequencies`) and are named in
``MarkerProbability.unseen_alleles``. A profile with no usable marker has RMP 1 (the
empty product) and LR 1: it says nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from reunite.errors import InputError
from reunite.genetics.alleles import Allele
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.markers import MARKERS, ChromosomeType, canonical_marker_name
from reunite.genetics.profile import Genotype, Profile
from reunite.provenance import Provenance, make_provenance

__all__ = [
    "MarkerProbability",
    "MatchProbability",
    "genotype_match_probability",
    "heterozygote_match_probability",
    "homozygote_match_probability",
    "random_match_probability",
]

SKIP_NOT_AUTOSOMAL = "not autosomal"
SKIP_NOT_IN_TABLE = "not in frequency table"
SKIP_PARTIAL = "partial genotype (one allele unknown)"
SKIP_NOT_REQUESTED = "not among the requested markers"


def _check_theta(theta: float) -> float:
    if isinstance(theta, bool) or not isinstance(theta, int | float) or not (
        math.isfinite(theta) and 0.0 <= theta < 1.0
    ):
        raise InputError("theta must be a number in [0, 1)", field="theta", value=theta)
    return float(theta)


def _check_frequency(p: float, name: str) -> None:
    if not (math.isfinite(p) and 0.0 < p <= 1.0):
        raise InputError(f"allele frequency {name} must be in (0, 1]", field=name, value=p)


def homozygote_match_probability(p: float, *, theta: float = 0.0) -> float:
    """Match probability of a homozygote ``a/a`` with allele frequency ``p``.

    ``p²`` for θ = 0 (NRC II 4.1); ``[2θ+(1−θ)p][3θ+(1−θ)p] / [(1+θ)(1+2θ)]`` for θ > 0
    (Balding–Nichols, NRC II 4.10).
    """
    theta = _check_theta(theta)
    _check_frequency(p, "p")
    if theta == 0.0:
        return p * p
    return ((2 * theta + (1 - theta) * p) * (3 * theta + (1 - theta) * p)
            / ((1 + theta) * (1 + 2 * theta)))


def heterozygote_match_probability(p: float, q: float, *, theta: float = 0.0) -> float:
    """Match probability of a heterozygote ``a/b`` with allele frequencies ``p``, ``q``.

    ``2pq`` for θ = 0 (NRC II 4.1); ``2[θ+(1−θ)p][θ+(1−θ)q] / [(1+θ)(1+2θ)]`` for θ > 0
    (Balding–Nichols, NRC II 4.10).
    """
    theta = _check_theta(theta)
    _check_frequency(p, "p")
    _check_frequency(q, "q")
    if theta == 0.0:
        return 2 * p * q
    return (2 * (theta + (1 - theta) * p) * (theta + (1 - theta) * q)
            / ((1 + theta) * (1 + 2 * theta)))


def genotype_match_probability(
    genotype: Genotype, marker: str, table: FrequencyTable, *, theta: float = 0.0
) -> float:
    """Match probability of one complete ``genotype`` at ``marker`` under ``table``."""
    if genotype.is_partial:
        raise InputError("a partial genotype has no match probability", marker=marker,
                         value=str(genotype))
    first, second = genotype.alleles
    p = table.frequency(marker, first)
    if first == second:
        return homozygote_match_probability(p, theta=theta)
    return heterozygote_match_probability(p, table.frequency(marker, second), theta=theta)


@dataclass(frozen=True, slots=True)
class MarkerProbability:
    """The match probability at one marker and the numbers it came from."""

    marker: str
    genotype: Genotype
    allele_frequencies: tuple[float, ...]
    """Frequency of each allele of the genotype (one value for a homozygote)."""
    probability: float
    unseen_alleles: tuple[Allele, ...] = ()
    """Alleles the table does not list: they got the minimum allele frequency."""


@dataclass(frozen=True, slots=True)
class MatchProbability:
    """Combined random match probability of a profile (product rule) and its LR.

    ``per_marker`` holds one :class:`MarkerProbability` per marker used, in profile order;
    ``markers`` gives the same as a marker → probability mapping. ``markers_skipped``
    pairs each unused typed marker with the reason. ``provenance`` records θ, the table
    name and its content hash.
    """

    profile_id: str
    per_marker: tuple[MarkerProbability, ...]
    rmp: float
    lr: float
    log10_lr: float
    theta: float
    skipped: tuple[tuple[str, str], ...]
    provenance: Provenance

    @property
    def markers(self) -> Mapping[str, float]:
        """Per-marker match probability, by marker, in profile order."""
        return MappingProxyType({m.marker: m.probability for m in self.per_marker})

    @property
    def markers_used(self) -> tuple[str, ...]:
        """The markers the RMP was computed from."""
        return tuple(m.marker for m in self.per_marker)

    @property
    def markers_skipped(self) -> Mapping[str, str]:
        """Typed markers left out, with the reason."""
        return MappingProxyType(dict(self.skipped))

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary (the ``reunite rmp`` output)."""
        # θ and the profile id are in the provenance parameters.
        return {
            "markers": dict(self.markers),
            "rmp": self.rmp,
            "lr": self.lr,
            "log10_lr": self.log10_lr,
            "markers_used": list(self.markers_used),
            "markers_skipped": dict(self.skipped),
            "provenance": self.provenance.to_dict(),
        }


def _skip_reason(marker: str, genotype: Genotype, table: FrequencyTable) -> str | None:
    known = MARKERS.get(marker)
    if known is not None and known.chromosome is not ChromosomeType.AUTOSOMAL:
        kind = "amelogenin" if known.chromosome is ChromosomeType.XY else (
            f"{known.chromosome.value} chromosome")
        return f"{SKIP_NOT_AUTOSOMAL} ({kind})"
    if marker not in table:
        return SKIP_NOT_IN_TABLE
    if genotype.is_partial:
        return SKIP_PARTIAL
    return None


def random_match_probability(
    profile: Profile,
    table: FrequencyTable,
    *,
    theta: float = 0.0,
    markers: Iterable[str] | None = None,
) -> MatchProbability:
    """Random match probability of ``profile`` under ``table`` (module docstring).

    ``theta`` is the coancestry coefficient θ (0 ≤ θ < 1; NRC II suggests 0.01, or 0.03
    for small isolated populations). ``markers`` limits the calculation to those markers
    (others typed are listed as skipped).
    """
    theta = _check_theta(theta)
    wanted = None if markers is None else {
        canonical_marker_name(m, allow_unknown=True) for m in markers}
    used: list[MarkerProbability] = []
    skipped: list[tuple[str, str]] = []
    for marker, genotype in profile.genotypes.items():
        reason = SKIP_NOT_REQUESTED if wanted is not None and marker not in wanted else (
            _skip_reason(marker, genotype, table))
        if reason is not None:
            skipped.append((marker, reason))
            continue
        listed = table.frequencies(marker)
        distinct = tuple(dict.fromkeys(genotype.alleles))
        frequencies = tuple(table.frequency(marker, a) for a in distinct)
        probability = (homozygote_match_probability(frequencies[0], theta=theta)
                       if len(distinct) == 1 else
                       heterozygote_match_probability(*frequencies, theta=theta))
        used.append(MarkerProbability(
            marker=marker,
            genotype=genotype,
            allele_frequencies=frequencies,
            probability=probability,
            unseen_alleles=tuple(a for a in distinct if a not in listed),
        ))
    rmp = math.prod(m.probability for m in used)
    log10_lr = -math.fsum(math.log10(m.probability) for m in used)
    lr = 1.0 / rmp if rmp > 0.0 else math.inf
    provenance = make_provenance(
        "rmp",
        {"theta": theta, "min_allele_count": table.min_allele_count,
         "profile": profile.id},
        frequency_table=table.name,
        frequency_table_hash=table.content_hash,
    )
    return MatchProbability(
        profile_id=profile.id,
        per_marker=tuple(used),
        rmp=rmp,
        lr=lr,
        log10_lr=log10_lr if used else 0.0,
        theta=theta,
        skipped=tuple(skipped),
        provenance=provenance,
    )

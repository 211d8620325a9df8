"""mtDNA lineage statistics: comparing haplotypes typed over different ranges, counting
in a haplotype database, and the MitoFREQ frequency estimate.

Comparison (:func:`compare_mt`). Only the positions both haplotypes were typed over
count. At each site either haplotype has a variant at (substitution, insertion,
deletion), the two calls are compared as base sets: a position without a variant carries
the rCRS base, an insertion site without a variant carries no base. A heteroplasmy
(IUPAC code, e.g. ``16093Y`` = C/T) is *not excluding*: two calls that share a base are
concordant. The differences are read as the SWGDAM mtDNA interpretation guidelines
(2019) do: none → "cannot exclude", one → "inconclusive", two or more → "exclusion".
Length variants in the C-stretches (309.1C, 315.1C, 16193.1C …) are compared like any
other insertion; labs that disregard them must drop them first.

Counting (:func:`mt_match_statistics`). N is the database haplotypes whose typed range
covers the query's whole range; x those concordant with the query over it. Estimators
as for Y-STRs (:mod:`reunite.stats.lineage`): x/N, the one-sided Clopper–Pearson upper
bound, (x+1)/(N+1) and Balding & Nichols' (x+2)/(N+2).

MitoFREQ (:func:`mitofreq_estimate`; Andersen, Huber, Andreaggi, Olsen, Parson & Marshall,
arXiv:2601.10464, 2026). With only per-position base counts by top-level haplogroup
(gnomAD, HelixMTdb), a mitogenome's frequency is bounded by that of its rarest base
within its haplogroup: f = P(haplogroup) · x_r / N_r, with r the typed position whose
base (the query's variant, or the rCRS base) is rarest among the positions the table
has, x_r the people of that haplogroup carrying it and N_r those with a call there. The
``upper_bound`` replaces x_r/N_r by its one-sided Clopper–Pearson bound (the haplogroup
share is taken as known, as MitoFREQ does). Bases never seen in the haplogroup (x = 0)
are left out of the choice, as MitoFREQ does, and listed; insertions and deletions are
not single-nucleotide variants and are ignored (listed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reunite.errors import InputError
from reunite.genetics.haplotypes import IUPAC_BASES, MtHaplotype, MtRange, MtSnvTable
from reunite.stats.lineage import clopper_pearson_upper

__all__ = [
    "MitofreqEstimate",
    "MtComparison",
    "MtMatchStatistics",
    "compare_mt",
    "mitofreq_estimate",
    "mt_match_statistics",
]

_CANNOT_EXCLUDE = "cannot exclude"
_INCONCLUSIVE = "inconclusive"
_EXCLUSION = "exclusion"


@dataclass(frozen=True)
class MtComparison:
    """Two mtDNA haplotypes compared over ``shared_range``.

    ``differences`` lists the sites (``"16519"``, ``"309.1"``) whose calls share no base;
    ``shared_heteroplasmies`` those where a heteroplasmy shares a base with the other
    call. ``interpretation`` follows SWGDAM (module docstring).
    """

    shared_range: MtRange
    differences: tuple[str, ...]
    shared_heteroplasmies: tuple[str, ...]

    @property
    def interpretation(self) -> str:
        """``"cannot exclude"``, ``"inconclusive"`` or ``"exclusion"``."""
        n = len(self.differences)
        return _CANNOT_EXCLUDE if n == 0 else _INCONCLUSIVE if n == 1 else _EXCLUSION

    @property
    def concordant(self) -> bool:
        """True when no site differs over the shared range."""
        return not self.differences

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"shared_range": str(self.shared_range),
                "shared_positions": len(self.shared_range),
                "differences": list(self.differences),
                "shared_heteroplasmies": list(self.shared_heteroplasmies),
                "interpretation": self.interpretation}


def _site_label(site: tuple[int, int]) -> str:
    return f"{site[0]}.{site[1]}" if site[1] else str(site[0])


def _reference_bases(site: tuple[int, int], reference: str | None, other: str) -> frozenset[str]:
    """The bases of a haplotype without a variant at ``site``."""
    position, insertion = site
    if insertion:
        return frozenset("-")  # nothing inserted
    if reference is None:
        raise InputError(f"comparing {other} with the rCRS base at {position} needs the "
                         "rCRS sequence (a heteroplasmy against the reference)",
                         value=other)
    return IUPAC_BASES.get(reference[position - 1], frozenset("ACGT"))


def compare_mt(a: MtHaplotype, b: MtHaplotype, *, reference: str | None = None) -> MtComparison:
    """Compare ``a`` and ``b`` over the positions both were typed at (module docstring).

    ``reference`` (the rCRS sequence) is needed only when a heteroplasmy meets a position
    without a variant; without it that case raises InputError saying so.
    """
    shared = a.range.intersection(b.range)
    if not len(shared):
        raise InputError("the two mtDNA haplotypes share no typed position",
                         sample=a.id, value=f"{a.range} / {b.range}")
    va, vb = a.by_site, b.by_site
    sites = sorted(s for s in set(va) | set(vb) if s[0] in shared)
    differences: list[str] = []
    heteroplasmies: list[str] = []
    for site in sites:
        x, y = va.get(site), vb.get(site)
        if x is not None and y is not None:
            bx, by = x.bases, y.bases
        elif x is not None:
            if not x.is_heteroplasmy:
                differences.append(_site_label(site))
                continue
            bx, by = x.bases, _reference_bases(site, reference, str(x))
        else:
            assert y is not None
            if not y.is_heteroplasmy:
                differences.append(_site_label(site))
                continue
            bx, by = _reference_bases(site, reference, str(y)), y.bases
        if bx & by:
            if len(bx) > 1 or len(by) > 1:
                heteroplasmies.append(_site_label(site))
        else:
            differences.append(_site_label(site))
    return MtComparison(shared, tuple(differences), tuple(heteroplasmies))


@dataclass(frozen=True)
class MtMatchStatistics:
    """A query's count in an mtDNA haplotype database and the estimators."""

    query_range: MtRange
    matches: int
    database_size: int
    not_covering: int
    confidence: float
    frequency: float
    upper_bound: float
    augmented_counting: float
    balding_nichols: float

    def estimators(self) -> dict[str, float | None]:
        """Every estimate by its name."""
        return {"counting": self.frequency, "clopper_pearson_upper": self.upper_bound,
                "augmented_counting": self.augmented_counting,
                "balding_nichols": self.balding_nichols}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: matches, database_size, frequency, upper_bound, estimators."""
        return {"range": str(self.query_range), "matches": self.matches,
                "database_size": self.database_size, "database_not_covering": self.not_covering,
                "frequency": self.frequency, "upper_bound": self.upper_bound,
                "confidence": self.confidence, "estimators": self.estimators()}


def mt_match_statistics(
    query: MtHaplotype,
    database: Sequence[MtHaplotype],
    *,
    confidence: float = 0.95,
    reference: str | None = None,
) -> MtMatchStatistics:
    """Count the database haplotypes concordant with ``query`` over its whole range."""
    covering = [h for h in database if h.range.covers(query.range)]
    if not covering:
        raise InputError("no database haplotype covers the query's typed range",
                         sample=query.id, value=str(query.range))
    x = sum(1 for h in covering
            if compare_mt(query, h.restricted_to(query.range), reference=reference).concordant)
    n = len(covering)
    return MtMatchStatistics(
        query.range, x, n, len(database) - n, confidence, x / n,
        clopper_pearson_upper(x, n, confidence=confidence), (x + 1) / (n + 1),
        (x + 2) / (n + 2))


@dataclass(frozen=True)
class MitofreqEstimate:
    """The MitoFREQ estimate of a haplotype's frequency (module docstring)."""

    haplogroup: str
    haplogroup_share: float
    position: int
    base: str
    count: int
    total: int
    confidence: float
    frequency: float
    upper_bound: float
    positions_used: int
    unseen: tuple[str, ...]
    ignored: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"haplogroup": self.haplogroup, "haplogroup_share": self.haplogroup_share,
                "rarest_position": self.position, "rarest_base": self.base,
                "rarest_count": self.count, "rarest_total": self.total,
                "frequency": self.frequency, "upper_bound": self.upper_bound,
                "confidence": self.confidence, "positions_used": self.positions_used,
                "unseen_in_haplogroup": list(self.unseen),
                "ignored_variants": list(self.ignored)}


def mitofreq_estimate(
    query: MtHaplotype, table: MtSnvTable, *, confidence: float = 0.95
) -> MitofreqEstimate:
    """MitoFREQ: the haplogroup share times the frequency of the query's rarest base."""
    group = query.haplogroup
    if group is None:
        raise InputError("the MitoFREQ estimate needs the query's top-level haplogroup "
                         "(\"haplogroup\": \"H\")", sample=query.id)
    sizes: Mapping[str, float] = table.haplogroup_sizes
    if group not in sizes or sizes[group] <= 0:
        raise InputError(f"haplogroup not in the table (it has: {', '.join(sizes)})",
                         sample=query.id, value=group)
    share = sizes[group] / sum(sizes.values())
    variants = query.by_site
    ignored = tuple(str(v) for v in query.variants if v.is_insertion or v.is_deletion)
    best: tuple[float, int, str, int, int] | None = None
    unseen: list[str] = []
    used = 0
    for position in query.range:
        counts = table.counts.get((group, position))
        total = table.totals.get((group, position), 0)
        if counts is None or total <= 0:
            continue
        variant = variants.get((position, 0))
        if variant is not None and variant.is_deletion:
            continue
        bases = variant.bases if variant is not None else frozenset(
            table.reference.get(position, ""))
        if not bases:
            continue
        used += 1
        count = sum(counts.get(base, 0) for base in bases)
        label = str(variant) if variant is not None else f"{position}{''.join(sorted(bases))}"
        if count == 0:
            unseen.append(label)
            continue
        ratio = count / total
        if best is None or ratio < best[0]:
            best = (ratio, position, "".join(sorted(bases)), count, total)
    if best is None:
        raise InputError("no typed position of the query is in the table for its "
                         "haplogroup", sample=query.id, value=group)
    ratio, position, base, count, total = best
    return MitofreqEstimate(
        group, share, position, base, count, total, confidence, share * ratio,
        share * clopper_pearson_upper(count, total, confidence=confidence), used,
        tuple(unseen), ignored)

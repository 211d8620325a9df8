"""The identification report: everything a reviewer signs, as one frozen value.

:func:`build_identification_report` takes the case, the family pedigree with the missing
person's slot, the candidate's and relatives' genotypes, the per-marker result of the
missing-person LR (:class:`reunite.stats.lr.LRResult`, H1 "the candidate is the missing
person" against H2 "the candidate is unrelated"; forrel ``missingPersonLR``), the frequency
table (name and content hash), the mutation model, θ and the reviews, and returns an
:class:`IdentificationReport` that :mod:`.html` and :mod:`.pdf` render. The software
version comes from :mod:`reunite._version`, so a report always says what computed it.

Per marker the report states whether a mutation had to be assumed: the LR is positive
with the mutation model, but the candidate's genotype is impossible in the missing
person's slot without mutation (Mendelian inconsistency with a relative). Markers whose
LR is 0 are exclusions. Both are highlighted in the rendered report.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from reunite._version import __version__
from reunite.errors import CaseError
from reunite.genetics.pedigree import Pedigree
from reunite.report.verbal import VerbalEquivalent, verbal_equivalent
from reunite.stats.likelihood import Genotype, KinshipMarker, pedigree_log_likelihood
from reunite.stats.lr import LRResult

__all__ = [
    "IdentificationReport",
    "MarkerRow",
    "Review",
    "build_identification_report",
    "format_genotype",
    "format_log10_lr",
    "format_lr",
]


@dataclass(frozen=True)
class Review:
    """One reviewer's decision on the candidate: ``confirmed`` or ``rejected``, and why."""

    reviewer: str
    decision: str
    on: date
    reason: str = ""


@dataclass(frozen=True)
class MarkerRow:
    """One marker of the per-marker table.

    ``relatives`` holds the genotype of each typed relative (in the report's relative
    order, ``"–"`` when untyped at this marker); ``lr`` is the marker's LR.
    """

    marker: str
    relatives: tuple[str, ...]
    candidate: str
    lr: float
    mutation_assumed: bool

    @property
    def excluded(self) -> bool:
        """True when the candidate is excluded at this marker (LR = 0)."""
        return self.lr == 0.0


@dataclass(frozen=True)
class IdentificationReport:
    """A complete identification report (see the module docstring)."""

    case_reference: str
    missing_person: str
    candidate: str
    pedigree: Pedigree
    missing_id: str
    typed: tuple[str, ...]
    labels: tuple[tuple[str, str], ...]
    relatives: tuple[str, ...]
    markers: tuple[MarkerRow, ...]
    total_lr: float
    log10_total_lr: float | None
    verbal: VerbalEquivalent
    frequency_table: str
    frequency_table_hash: str
    mutation_model: str
    theta: float
    software_version: str
    reviews: tuple[Review, ...]
    generated_at: datetime

    @property
    def label_of(self) -> dict[str, str]:
        """Display label per pedigree id."""
        return dict(self.labels)

    @property
    def exclusions(self) -> tuple[str, ...]:
        """Markers at which the candidate is excluded."""
        return tuple(m.marker for m in self.markers if m.excluded)

    @property
    def mutations(self) -> tuple[str, ...]:
        """Markers at which a mutation had to be assumed."""
        return tuple(m.marker for m in self.markers if m.mutation_assumed)

    @property
    def confirmed(self) -> bool:
        """True when two different reviewers confirmed and none rejected."""
        confirmers = {r.reviewer for r in self.reviews if r.decision == "confirmed"}
        return len(confirmers) >= 2 and not any(r.decision == "rejected" for r in self.reviews)


def format_genotype(genotype: Genotype | None) -> str:
    """``"12/14"``; ``"12/?"`` for a half-typed genotype; ``"–"`` when untyped."""
    if genotype is None or all(a is None for a in genotype):
        return "–"
    return "/".join("?" if a is None else a for a in genotype)


def format_lr(value: float | None) -> str:
    """An LR for people: 3 significant figures, scientific from 10⁶, ``∞`` and ``NaN`` named."""
    if value is None or math.isnan(value):
        return "NaN"
    if value == math.inf:
        return "∞"
    if value == 0.0:
        return "0"
    if value >= 1e6 or value < 1e-3:
        mantissa, exponent = f"{value:.2e}".split("e")
        return f"{mantissa} × 10^{int(exponent)}"
    return f"{value:,.3g}" if value < 1000 else f"{value:,.0f}"


def format_log10_lr(log10_lr: float | None) -> str:
    """:func:`format_lr` of ``10**log10_lr``, without overflow for LRs beyond 1e308."""
    if log10_lr is None or math.isnan(log10_lr):
        return format_lr(0.0 if log10_lr is None else math.nan)
    if log10_lr < 6:
        return format_lr(10.0**log10_lr)
    exponent = math.floor(log10_lr)
    mantissa = 10.0 ** (log10_lr - exponent)
    if round(mantissa, 2) >= 10.0:
        mantissa, exponent = mantissa / 10.0, exponent + 1
    return f"{mantissa:.2f} × 10^{exponent}"


def _mutation_assumed(marker: KinshipMarker, pedigree: Pedigree,
                      marker_genotypes: Mapping[str, Genotype | None], lr: float) -> bool:
    if marker.mutation is None or marker.mutation.is_trivial or not lr > 0.0:
        return False
    plain = dataclasses.replace(marker, mutation=None)
    return pedigree_log_likelihood(pedigree, marker_genotypes, plain) == -math.inf


def build_identification_report(
    *,
    case_reference: str,
    pedigree: Pedigree,
    missing_id: str,
    candidate: str,
    relative_genotypes: Mapping[str, Mapping[str, Genotype | None]],
    candidate_genotypes: Mapping[str, Genotype | None],
    result: LRResult,
    frequency_table: str,
    frequency_table_hash: str,
    mutation_model: str,
    theta: float,
    reviews: Sequence[Review] = (),
    labels: Mapping[str, str] | None = None,
    markers: Sequence[KinshipMarker] | None = None,
    generated_at: datetime | None = None,
) -> IdentificationReport:
    """Assemble an :class:`IdentificationReport`.

    ``pedigree`` is the H1 family pedigree with the missing person ``missing_id`` in it;
    ``relative_genotypes`` is keyed by pedigree id; ``candidate_genotypes`` by marker.
    ``result`` must have the candidate-is-missing hypothesis first. With ``markers`` (the
    same markers the LR used) the report also says where a mutation was assumed.
    """
    if missing_id not in pedigree:
        raise CaseError("the missing person is not in the pedigree", field="missing_id",
                        value=missing_id, case=case_reference)
    unknown = sorted(p for p in relative_genotypes if p not in pedigree)
    if unknown:
        raise CaseError("typed relative not in the pedigree", field="relative_genotypes",
                        value=unknown[0], case=case_reference)
    names = {pid: pid for pid in pedigree.ids}
    names.update(labels or {})
    relatives = tuple(p for p in pedigree.ids if p in relative_genotypes and p != missing_id)
    by_name = {m.name: m for m in markers or ()}
    per_marker = result.lr()
    rows = []
    for marker_name in result.markers:
        lr = per_marker[marker_name]
        kinship_marker = by_name.get(marker_name)
        assumed = False
        if kinship_marker is not None:
            data = {p: relative_genotypes[p].get(marker_name) for p in relatives}
            data[missing_id] = candidate_genotypes.get(marker_name)
            assumed = _mutation_assumed(kinship_marker, pedigree, data, lr)
        rows.append(MarkerRow(
            marker_name,
            tuple(format_genotype(relative_genotypes[p].get(marker_name)) for p in relatives),
            format_genotype(candidate_genotypes.get(marker_name)), lr, assumed))
    total = result.total_lr()
    return IdentificationReport(
        case_reference=case_reference,
        missing_person=names[missing_id],
        candidate=candidate,
        pedigree=pedigree,
        missing_id=missing_id,
        typed=relatives,
        labels=tuple(sorted(names.items())),
        relatives=tuple(names[p] for p in relatives),
        markers=tuple(rows),
        total_lr=total,
        log10_total_lr=result.log10_total_lr(),
        verbal=verbal_equivalent(total),
        frequency_table=frequency_table,
        frequency_table_hash=frequency_table_hash,
        mutation_model=mutation_model,
        theta=theta,
        software_version=__version__,
        reviews=tuple(reviews),
        generated_at=generated_at or datetime.now(UTC).replace(microsecond=0),
    )

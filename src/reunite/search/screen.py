"""Pedigree screening: one family's missing person against every indexed profile.

Model (DESIGN.md, "Missing person"; the search trick of forrel/dvir): the LR that a
candidate with genotypes ``x`` is the missing person (H1) rather than unrelated to the
family (H2) is, marker by marker and with θ = 0,

    LR_m(x_m) = P(references, MP = x_m | pedigree) / [P(references | pedigree) · P(x_m)]
              = P(x_m | family) / P(x_m),

where ``P(x_m | family)`` is the distribution of the missing person's genotype given the
typed relatives (mutation included) and ``P(x_m)`` the Hardy–Weinberg genotype
probability. Both depend only on the family, so they are computed once per marker
(:func:`reunite.stats.missing_person.missing_person_genotype_table`) and laid out by
genotype code (:func:`family_log_lr_table`); every candidate is then scored by
``Σ_m log LR_m(code_m)`` in one pass of table look-ups (untyped markers add 0). The top
``k`` and everything above ``threshold`` survive and are re-scored with the exact engine
(:func:`reunite.stats.missing_person.missing_person_lr`), so the reported LRs are exact;
the screening score is reported beside them.

With a subpopulation correction θ > 0 (Balding–Nichols) ``P(x_m)`` becomes the probability
of ``x_m`` for an unrelated person drawn from the same urn as the family's founders, as
:mod:`reunite.stats.missing_person` defines it; the look-up still equals the exact LR.

Every search takes one :class:`~reunite.search.settings.SearchSettings`: θ, the female and
male mutation models, the minimum allele count, the LR threshold and ``k``.

Frequencies: the marker's table alleles, plus every allele of the index and of the
references that the table lacks at the minimum frequency (``min_allele_count / 2N``),
renormalised (``FrequencyTable.with_unseen_alleles``, as Familias does). The same markers
serve the screen and the exact re-score, so the two agree to rounding. The exact re-score
reads the candidates' genotype codes straight from the matrix
(:func:`reunite.stats.missing_person.missing_person_lr_codes`): no allele names in
between. Markers that are not autosomal or not in the frequency table are not scored.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from reunite.errors import CaseError, InputError
from reunite.genetics.alleles import parse_allele
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.markers import get_marker, is_known_marker
from reunite.genetics.pedigree import Pedigree
from reunite.provenance import Provenance, make_provenance
from reunite.search._kernels import ScoringBackend, resolve_backend
from reunite.search.matrix import ProfileMatrix
from reunite.search.policy import SearchPolicy, enforce_policy
from reunite.search.settings import SearchSettings
from reunite.stats.genotypes import genotype_index
from reunite.stats.ibd import pairwise_genotype_lrs
from reunite.stats.likelihood import KinshipMarker
from reunite.stats.missing_person import (
    encode_family,
    missing_person_genotype_table,
    missing_person_lr_codes,
)

__all__ = [
    "FamilyCase",
    "ScreenHit",
    "ScreenResult",
    "block_tables",
    "exact_missing_person_lrs",
    "family_log_lr_table",
    "pairwise_log_lr_table",
    "screen_family",
    "screening_markers",
]

_LN10 = math.log(10.0)

Texts = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class FamilyCase:
    """A missing-person family: the pedigree, who is missing, and the typed relatives.

    ``references``: ``{person id: {marker: (allele, allele)}}`` for the typed relatives.
    """

    family_id: str
    pedigree: Pedigree
    missing_person: str
    references: Mapping[str, Texts] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.missing_person not in self.pedigree:
            raise CaseError("the missing person is not in the pedigree",
                            case=self.family_id, field="missing_person",
                            value=self.missing_person)
        if self.missing_person in self.references:
            raise CaseError("the missing person cannot be a typed reference",
                            case=self.family_id, field="references",
                            value=self.missing_person)
        for person in self.references:
            if person not in self.pedigree:
                raise CaseError("a typed reference is not in the pedigree",
                                case=self.family_id, field="references", value=person)


@dataclass(frozen=True)
class ScreenHit:
    """One candidate: the exact ``log10_lr`` (None if excluded, LR 0) and the screen's."""

    profile_id: str
    log10_lr: float | None
    screen_log10_lr: float
    log10_lr_per_marker: dict[str, float] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"profile_id": self.profile_id, "log10_lr": self.log10_lr,
                "screen_log10_lr": self.screen_log10_lr,
                "log10_lr_per_marker": self.log10_lr_per_marker}


@dataclass(frozen=True)
class ScreenResult:
    """Ranked candidates for one family (best first), with provenance."""

    family_id: str
    hits: tuple[ScreenHit, ...]
    screened: int
    provenance: Provenance

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"family_id": self.family_id, "screened": self.screened,
                "hits": [h.to_dict() for h in self.hits],
                "provenance": self.provenance.to_dict()}


def _autosomal(name: str) -> bool:
    return not is_known_marker(name) or get_marker(name).is_autosomal


def screening_markers(
    matrix: ProfileMatrix,
    frequencies: FrequencyTable,
    families: Sequence[FamilyCase] = (),
    *,
    settings: SearchSettings,
    index_alleles: Mapping[str, Sequence[str]] | None = None,
) -> list[KinshipMarker | None]:
    """Per matrix column, the :class:`KinshipMarker` used to score it (None: not scored).

    Alleles: the table's, then any allele of the index or of ``families``' references the
    table lacks (``settings.min_allele_count / 2N``, renormalised; see the module
    docstring); mutation: ``settings``' female and male models over those alleles.
    ``index_alleles`` replaces the matrix's own dictionaries (a sharded index passes the
    union over its shards, so every shard scores with the same frequencies).
    """
    frequencies = settings.frequency_table(frequencies)
    unseen: dict[str, list[Any]] = {}
    for name in matrix.markers:
        if name not in frequencies or not _autosomal(name):
            continue
        wanted = list(index_alleles[name] if index_alleles is not None else
                      matrix.alleles(name))
        for fam in families:
            for genotypes in fam.references.values():
                wanted.extend(str(a) for a in genotypes.get(name, ()))
        missing = {parse_allele(a, marker=name) for a in wanted}
        missing -= set(frequencies.alleles(name))
        if missing:
            unseen[name] = sorted(missing)
    table = frequencies.with_unseen_alleles(unseen) if unseen else frequencies
    out: list[KinshipMarker | None] = []
    for name in matrix.markers:
        if name not in frequencies or not _autosomal(name):
            out.append(None)
            continue
        alleles = table.alleles(name)
        texts = tuple(a.text for a in alleles)
        p = np.array([table.frequency(name, a) for a in alleles], dtype=np.float64)
        out.append(KinshipMarker(name, texts, p, settings.mutation_model(name, texts, p)))
    return out


def _genotype(texts: Sequence[str] | None) -> tuple[str, str] | None:
    if not texts:
        return None
    a = str(texts[0])
    b = str(texts[1]) if len(texts) > 1 else a
    return (a, b)


def family_log_lr_table(
    family: FamilyCase, matrix: ProfileMatrix, markers: Sequence[KinshipMarker | None],
    *, theta: float = 0.0,
) -> npt.NDArray[np.float64]:
    """Natural-log ``LR_m(code)`` for every marker and genotype code of ``matrix``.

    float64, shape ``(n_markers, matrix.table_width)``; column 0 (untyped) and unscored
    markers are 0; an impossible genotype (an exclusion) is ``-inf``. With θ > 0 the
    denominator is the Balding–Nichols probability of ``g`` given the family's founder
    alleles (as the statistics engine defines it), so the look-up still equals the exact
    LR marker by marker.
    """
    table = np.zeros((matrix.n_markers, matrix.table_width), dtype=np.float64)
    used = [(m, marker) for m, marker in enumerate(markers) if marker is not None]
    if not used:
        return table
    references = {
        person: {marker.name: _genotype(genotypes.get(marker.name)) for _, marker in used}
        for person, genotypes in family.references.items()
    }
    try:
        genotype_table = missing_person_genotype_table(
            family.pedigree, family.missing_person, references, [k for _, k in used],
            theta=theta)
    except CaseError as exc:
        raise CaseError("the family's references are impossible on its pedigree",
                        case=family.family_id, marker=exc.marker) from exc
    with np.errstate(divide="ignore"):
        for (m, marker), fam, unrel in zip(used, genotype_table.family,
                                           genotype_table.unrelated, strict=True):
            position = _code_positions(matrix, m, marker)
            table[m, 1 : 1 + position.size] = np.log(fam[position]) - np.log(unrel[position])
    return table


def _code_positions(matrix: ProfileMatrix, m: int, marker: KinshipMarker
                    ) -> npt.NDArray[np.intp]:
    """For each genotype code 1, 2, … of matrix column ``m``, the position of that genotype
    in the statistics engine's per-genotype vectors over ``marker``'s alleles."""
    lookup = np.array([marker.index[a] for a in matrix.alleles(m)], dtype=np.intp)
    ci, cj = matrix.allele_pairs(m)
    return genotype_index(lookup[ci[1:]], lookup[cj[1:]], marker.n_alleles)


def pairwise_log_lr_table(
    reference: Texts,
    kappa: tuple[float, float, float],
    matrix: ProfileMatrix,
    markers: Sequence[KinshipMarker | None],
) -> npt.NDArray[np.float64]:
    """Natural-log LR table of "candidate related to ``reference`` with IBD coefficients
    ``kappa`` = (κ0, κ1, κ2)" against "unrelated", for every marker and genotype code.

    The statistics are :func:`reunite.stats.ibd.pairwise_genotype_lrs` (the closed forms,
    and parent–child with the marker's mutation model, ``reference`` the father); this lays
    them out by the matrix's genotype codes. Same shape and conventions as
    :func:`family_log_lr_table`; markers the reference lacks are 0.
    """
    table = np.zeros((matrix.n_markers, matrix.table_width), dtype=np.float64)
    with np.errstate(divide="ignore"):
        for m, marker in enumerate(markers):
            genotype = _genotype(reference.get(marker.name)) if marker is not None else None
            if marker is None or genotype is None:
                continue
            try:
                lrs = pairwise_genotype_lrs(
                    (marker.index[genotype[0]], marker.index[genotype[1]]),
                    marker.frequencies, kappa, mutation=marker.mutation)
            except InputError as exc:
                raise InputError(exc.message, field="kappa", value=kappa,
                                 marker=marker.name) from exc
            position = _code_positions(matrix, m, marker)
            table[m, 1 : 1 + position.size] = np.log(lrs[position])
    return table


def block_tables(
    families: Sequence[FamilyCase], matrix: ProfileMatrix,
    markers: Sequence[KinshipMarker | None], *, theta: float,
) -> Any:
    """A :data:`reunite.search.blind.BlockTables` source over ``families``."""

    def tables(start: int, stop: int) -> npt.NDArray[np.float32]:
        out = np.empty((matrix.n_markers, matrix.table_width, stop - start), dtype=np.float32)
        for f in range(start, stop):
            out[:, :, f - start] = family_log_lr_table(families[f], matrix, markers,
                                                       theta=theta)
        return out

    return tables


def _marker_codes(matrix: ProfileMatrix, m: int, marker: KinshipMarker
                  ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """For every genotype code of column ``m``, its two allele indices into ``marker``'s
    alleles (``-1, -1`` for code 0, untyped)."""
    lookup = np.array([*(marker.index[a] for a in matrix.alleles(m)), -1], dtype=np.intp)
    first, second = matrix.allele_pairs(m)
    return lookup[first], lookup[second]


def exact_missing_person_lrs(
    family: FamilyCase,
    matrix: ProfileMatrix,
    rows: Sequence[int],
    markers: Sequence[KinshipMarker | None],
    *,
    theta: float,
) -> list[tuple[float | None, dict[str, float]]]:
    """Exact ``log10 LR`` (None for LR 0) and per-marker log10 LRs of each matrix row being
    the missing person, by :func:`reunite.stats.missing_person.missing_person_lr_codes`
    (H1 the candidate in the missing person's place; H2 the candidate unrelated).

    The family is encoded once; each candidate's genotype codes are mapped to the markers'
    allele indices by array look-ups, never through allele names.
    """
    used = [(m, marker) for m, marker in enumerate(markers) if marker is not None]
    kinship = [marker for _, marker in used]
    references = {
        person: {marker.name: _genotype(g.get(marker.name)) for marker in kinship}
        for person, g in family.references.items()
    }
    family_codes = encode_family(family.pedigree, references, kinship)
    pairs = [_marker_codes(matrix, m, marker) for m, marker in used]
    columns = np.array([m for m, _ in used], dtype=np.intp)
    out: list[tuple[float | None, dict[str, float]]] = []
    for row in rows:
        codes = matrix.codes[int(row), columns].astype(np.intp)
        poi = np.empty((len(used), 2), dtype=np.intp)
        for k, (first, second) in enumerate(pairs):
            poi[k] = (first[codes[k]], second[codes[k]])
        result = missing_person_lr_codes(family.pedigree, family.missing_person,
                                         family_codes, poi, kinship, theta=theta)
        out.append((result.log10_total_lr(),
                    {m: v / _LN10 for m, v in result.log_lr_per_marker().items()}))
    return out


def screen_family(
    matrix: ProfileMatrix,
    family: FamilyCase,
    *,
    frequencies: FrequencyTable,
    settings: SearchSettings,
    query_index: str,
    target_index: str,
    policy: SearchPolicy,
    purpose: str = "identification",
    rescore: bool = True,
    backend: ScoringBackend | str | None = None,
    index_alleles: Mapping[str, Sequence[str]] | None = None,
) -> ScreenResult:
    """Screen every live profile against ``family`` (see the module docstring).

    Keeps the ``settings.k`` best screening scores and every candidate with screening LR
    at least ``settings.lr_threshold``, re-scores them exactly (unless ``rescore`` is
    False) and ranks them by the exact LR, then the screening LR, then id.
    """
    enforce_policy(policy, query_index, target_index, purpose=purpose)
    started = time.perf_counter()
    engine = resolve_backend(backend)
    frequencies = settings.frequency_table(frequencies)
    markers = screening_markers(matrix, frequencies, [family], settings=settings,
                                index_alleles=index_alleles)
    table = family_log_lr_table(family, matrix, markers, theta=settings.theta)
    k = settings.k
    log_threshold = math.log(settings.lr_threshold)
    rows, scores = engine.screen_select(matrix.codes, matrix.alive, table, k, log_threshold)
    ids = matrix.ids_of(rows)
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], ids[i]))
    order = [i for n, i in enumerate(order) if n < k or scores[i] >= log_threshold]
    if rescore:
        exact = exact_missing_person_lrs(family, matrix, [int(rows[i]) for i in order],
                                         markers, theta=settings.theta)
    else:
        exact = [(float(scores[i]) / _LN10, {}) for i in order]
    hits = [ScreenHit(ids[i], lr, float(scores[i]) / _LN10, per_marker)
            for i, (lr, per_marker) in zip(order, exact, strict=True)]
    hits.sort(key=lambda h: (-(h.log10_lr if h.log10_lr is not None else -math.inf),
                             -h.screen_log10_lr, h.profile_id))
    provenance = make_provenance(
        "search.screen",
        {"settings": settings.to_provenance(), "rescored": rescore,
         "query_index": query_index, "target_index": target_index, "purpose": purpose,
         "backend": engine.name, "indexed_profiles": len(matrix)},
        frequency_table=frequencies.name,
        frequency_table_hash=frequencies.content_hash,
        elapsed_seconds=time.perf_counter() - started,
    )
    return ScreenResult(family.family_id, tuple(hits), len(matrix), provenance)

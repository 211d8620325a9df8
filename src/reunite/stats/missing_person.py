"""Missing-person LRs and the genotype tables that make searching cheap.

``missing_person_lr`` is a thin wrapper over :func:`reunite.stats.lr.kinship_lr` (as
forrel's ``missingPersonLR``): H1 "the POI is the missing person" (the POI takes the
missing person's place in the family pedigree) against H2 "the POI is unrelated" (the
family pedigree unchanged, the POI a separate founder).

``missing_person_genotype_table`` computes once per family and marker the distribution
of the missing person's genotype given the typed relatives,

    P(g | family) = P(family data, MP = g) / P(family data),

over every unordered genotype ``g = (i, j)``, ``i ≤ j``, of the marker's alleles, in
allele-index order: (0,0), (0,1), …, (0,n−1), (1,1), (1,2), …, (n−1,n−1). The position
of ``(i, j)`` is :func:`reunite.stats.genotypes.genotype_index`. Alongside it comes
``P(g | unrelated)``, the probability of ``g`` for a person unrelated to the family
(Hardy–Weinberg with θ = 0; with θ > 0 the Balding–Nichols probability conditional on the
family's founder alleles, since the POI's alleles are drawn from the same urn). The LR of
a fully typed candidate is then a table look-up:

    LR(g) = P(g | family) / P(g | unrelated),

identical to ``missing_person_lr`` for that genotype (tested for every g). Half-typed
candidates are not in the table; score them with ``missing_person_lr``.

Degraded candidates (:mod:`reunite.stats.dropout`): ``missing_person_observation_table``
gives, per marker, P(O | family) and P(O | unrelated) for every *observed set* ``O`` of at
most two alleles — ``{a, b}`` at :func:`genotype_index` ``(a, b)``, ``{a}`` at ``(a, a)``,
``{}`` last (:func:`observed_set_index`) — over the missing person's true genotypes,
including a silent allele, and with relatives that may themselves have drop-out. The
values are stored as coefficients in the candidate's own d, d_hom and c
(``P(O) = β·A + c·β·B``, ``β = (1, d, d², d_hom)``), so one table serves every
candidate's drop-out: ``LR(O) = P(O | family) / P(O | unrelated)``, a look-up, equal to
``missing_person_lr`` with the candidate's :class:`DropoutModel` (tested for every O).
With d = c = 0 and no silent allele it is the genotype table (``{a}`` = ``a/a``, ``{}``
impossible).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reunite.errors import CaseError
from reunite.genetics.hypotheses import Hypothesis
from reunite.genetics.observation import DropoutModel
from reunite.genetics.pedigree import Pedigree, Person
from reunite.provenance import make_provenance
from reunite.stats import _observation
from reunite.stats.dropout import extended_frequencies
from reunite.stats.genotypes import genotype_index, genotype_pairs, hardy_weinberg, n_genotypes
from reunite.stats.likelihood import (
    Genotype,
    GenotypeData,
    KinshipMarker,
    batch_log_likelihoods,
    batch_marginals,
    encode_data,
    encoded_log_likelihood,
    encoded_log_marginal,
)
from reunite.stats.lr import LRResult, kinship_lr

__all__ = [
    "GenotypeTable",
    "ObservationTable",
    "encode_family",
    "missing_person_genotype_table",
    "missing_person_hypotheses",
    "missing_person_lr",
    "missing_person_lr_codes",
    "missing_person_observation_table",
    "n_observed_sets",
    "observation_table_lr",
    "observed_set_index",
    "table_lr",
]


@dataclass(frozen=True, eq=False)
class GenotypeTable:
    """Per marker: P(g | family) and P(g | unrelated) over unordered genotypes.

    ``family[k]`` and ``unrelated[k]`` are float64 vectors of length n(n+1)/2 for marker
    ``markers[k]`` with alleles ``alleles[k]``, indexed by
    :func:`reunite.stats.genotypes.genotype_index`.
    """

    missing_id: str
    markers: tuple[str, ...]
    alleles: tuple[tuple[str, ...], ...]
    family: tuple[NDArray[np.float64], ...]
    unrelated: tuple[NDArray[np.float64], ...]
    theta: float = 0.0

    def marker_index(self, marker: str) -> int:
        """Position of ``marker`` in :attr:`markers`."""
        return self.markers.index(marker)

    def lr(self, marker: str) -> NDArray[np.float64]:
        """LR(g) = P(g | family) / P(g | unrelated) for every genotype of ``marker``."""
        k = self.marker_index(marker)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(self.family[k] / self.unrelated[k], dtype=np.float64)

    def lookup(self, marker: str, genotype: tuple[str, str]) -> float:
        """LR of one fully typed genotype at ``marker``."""
        k = self.marker_index(marker)
        names = self.alleles[k]
        i, j = names.index(genotype[0]), names.index(genotype[1])
        g = genotype_index(i, j, len(names))
        return float(self.family[k][g] / self.unrelated[k][g])


def _family_codes(pedigree: Pedigree, genotypes: Mapping[str, Mapping[str, Genotype | None]],
                  marker: KinshipMarker) -> NDArray[np.intp]:
    codes = np.full((len(pedigree), 2), -1, dtype=np.intp)
    for pid, per_marker in genotypes.items():
        if pid not in pedigree:
            raise CaseError(f"typed person {pid!r} is not in the family pedigree",
                            sample=pid, field="genotypes", value=pid)
        codes[pedigree.index[pid]] = marker.encode(per_marker.get(marker.name), person=pid)
    return codes


_HW_CACHE: weakref.WeakKeyDictionary[KinshipMarker, NDArray[np.float64]] = (
    weakref.WeakKeyDictionary())


def _hardy_weinberg(marker: KinshipMarker) -> NDArray[np.float64]:
    """P(g) for every unordered genotype (cached per marker: the same for every family)."""
    vec = _HW_CACHE.get(marker)
    if vec is None:
        vec = hardy_weinberg(marker.frequencies)
        vec.setflags(write=False)
        _HW_CACHE[marker] = vec
    return vec


def _unordered(table: NDArray[np.float64]) -> NDArray[np.float64]:
    """Ordered (pat, mat) table -> unordered genotype vector (i ≤ j)."""
    rows, cols = genotype_pairs(table.shape[0])
    sym = table + table.T
    vec = sym[rows, cols]
    diag = rows == cols
    vec[diag] = table[rows[diag], cols[diag]]
    return np.asarray(vec, dtype=np.float64)


def n_observed_sets(n_alleles: int) -> int:
    """Observed sets of at most two of ``n_alleles`` alleles: n(n+1)/2 + 1 (``{}``)."""
    return _observation.n_observed_sets(n_alleles)


def observed_set_index(observed: Sequence[int], n: int) -> int:
    """Position of an observed set (distinct allele indices, at most two) in a table.

    ``{a, b}`` sits at :func:`genotype_index` ``(a, b)``, ``{a}`` at ``(a, a)``, ``{}``
    last (n(n+1)/2): a search matrix that stores one seen allele as ``(a, a)`` indexes
    both tables alike.
    """
    o = sorted(set(observed))
    if len(o) > 2:
        raise IndexError(f"an observed set in the table has at most two alleles: {o}")
    if not o:
        return n_genotypes(n)
    return genotype_index(o[0], o[-1], n)


@dataclass(frozen=True, eq=False)
class ObservationTable:
    """Per marker: P(O | family) and P(O | unrelated) for every observed set ``O``.

    ``family[k]`` and ``unrelated[k]`` are float64 (2, 4, n(n+1)/2 + 1) coefficient
    arrays for marker ``markers[k]`` with alleles ``alleles[k]``, indexed by
    :func:`observed_set_index`: ``P(O) = β·[0][:, O] + c·β·[1][:, O]`` with
    ``β = (1, d, d², d_hom)`` of the candidate's :class:`DropoutModel` (see the module
    docstring). ``silent`` holds each marker's silent-allele frequency.
    """

    missing_id: str
    markers: tuple[str, ...]
    alleles: tuple[tuple[str, ...], ...]
    family: tuple[NDArray[np.float64], ...]
    unrelated: tuple[NDArray[np.float64], ...]
    silent: tuple[float, ...]
    theta: float = 0.0

    def marker_index(self, marker: str) -> int:
        """Position of ``marker`` in :attr:`markers`."""
        return self.markers.index(marker)

    def probabilities(self, marker: str, model: DropoutModel | None = None
                      ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """P(O | family) and P(O | unrelated) for every observed set, for a candidate
        with ``model`` (``None``: a complete profile, d = c = 0)."""
        k = self.marker_index(marker)
        m = model if model is not None else DropoutModel(0.0)
        beta = _observation.basis(m.dropout, m.homozygous)
        fam = beta @ self.family[k][0] + m.drop_in * (beta @ self.family[k][1])
        unrel = beta @ self.unrelated[k][0] + m.drop_in * (beta @ self.unrelated[k][1])
        return np.asarray(fam, dtype=np.float64), np.asarray(unrel, dtype=np.float64)

    def lr(self, marker: str, model: DropoutModel | None = None) -> NDArray[np.float64]:
        """LR(O) = P(O | family) / P(O | unrelated) for every observed set of ``marker``."""
        fam, unrel = self.probabilities(marker, model)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(fam / unrel, dtype=np.float64)

    def lookup(self, marker: str, observed: Sequence[str],
               model: DropoutModel | None = None) -> float:
        """LR of one observed set (alleles seen, at most two) at ``marker``; ``nan`` for
        0/0 (the set is impossible under both hypotheses), ``inf`` for x/0."""
        k = self.marker_index(marker)
        names = self.alleles[k]
        idx = []
        for allele in observed:
            if allele not in names:
                raise CaseError(f"allele {allele!r} is not an allele of the marker",
                                marker=marker, field="observed", value=allele)
            idx.append(names.index(allele))
        return float(self.lr(marker, model)[observed_set_index(idx, len(names))])


def missing_person_observation_table(
    family: Pedigree,
    missing_id: str,
    genotypes: Mapping[str, Mapping[str, GenotypeData | None]],
    markers: Sequence[KinshipMarker],
    *,
    theta: float = 0.0,
    dropout: Mapping[str, DropoutModel] | None = None,
) -> ObservationTable:
    """P(O | family) and P(O | unrelated) per marker and observed set, as coefficients
    in a candidate's d, d_hom and c (see the module docstring).

    Parameters are those of :func:`missing_person_genotype_table`; ``dropout`` gives the
    relatives with drop-out (their data are observed sets), and the markers' silent
    alleles are part of the missing person's genotypes.
    """
    _check_missing(family, missing_id, genotypes)
    poi_id = _fresh_id(family, "__POI__")
    with_poi = family.add_person(Person(poi_id, None, None, "unknown"))
    fidx = np.asarray(family.fidx, dtype=np.intp)
    midx = np.asarray(family.midx, dtype=np.intp)
    fidx2 = np.asarray(with_poi.fidx, dtype=np.intp)
    midx2 = np.asarray(with_poi.midx, dtype=np.intp)
    mp = family.index[missing_id]
    encoded = [encode_data(family.index, len(family),
                           {p: g.get(marker.name) for p, g in genotypes.items()}, marker,
                           dropout) for marker in markers]
    plain = [k for k, (m, (_, obs)) in enumerate(zip(markers, encoded, strict=True))
             if not obs and m.silent_frequency == 0.0]
    batched: dict[int, NDArray[np.float64]] = {}
    if theta == 0.0 and plain:
        results = batch_marginals(fidx, midx, [encoded[k][0] for k in plain],
                                  [markers[k] for k in plain], mp)
        batched = {k: table for k, (_, table) in zip(plain, results, strict=True)}
    fam_coef: list[NDArray[np.float64]] = []
    unrel_coef: list[NDArray[np.float64]] = []
    for k, marker in enumerate(markers):
        codes, obs = encoded[k]
        s = marker.silent_frequency
        if k in batched:
            table = batched[k]
        else:
            _, table = encoded_log_marginal(fidx, midx, codes, marker.frequencies,
                                            marker.mutation, mp, theta=theta,
                                            observations=obs, silent=s)
        total = float(table.sum())
        if not total > 0:
            raise CaseError("the family's data are impossible at this marker "
                            "(likelihood 0); no observation table", marker=marker.name,
                            field="genotypes", value=None)
        fam_coef.append(_observation.table_coefficients(table / total, marker.n_alleles,
                                                        marker.frequencies))
        if theta == 0.0:
            unrel_coef.append(_hardy_weinberg_coefficients(marker))
            continue
        codes2 = np.vstack([codes, [[-1, -1]]]).astype(np.intp)
        _, unrel = encoded_log_marginal(fidx2, midx2, codes2, marker.frequencies,
                                        marker.mutation, len(family), theta=theta,
                                        observations=obs, silent=s)
        unrel_coef.append(_observation.table_coefficients(
            unrel / float(unrel.sum()), marker.n_alleles, marker.frequencies))
    return ObservationTable(
        missing_id=missing_id,
        markers=tuple(m.name for m in markers),
        alleles=tuple(m.alleles for m in markers),
        family=tuple(fam_coef),
        unrelated=tuple(unrel_coef),
        silent=tuple(m.silent_frequency for m in markers),
        theta=theta,
    )


_HW_COEF_CACHE: weakref.WeakKeyDictionary[KinshipMarker, NDArray[np.float64]] = (
    weakref.WeakKeyDictionary())


def _hardy_weinberg_coefficients(marker: KinshipMarker) -> NDArray[np.float64]:
    """P(O | unrelated) coefficients at θ = 0 (cached per marker, as the HW vector)."""
    coef = _HW_COEF_CACHE.get(marker)
    if coef is None:
        p = extended_frequencies(marker)
        coef = _observation.table_coefficients(np.outer(p, p), marker.n_alleles,
                                               marker.frequencies)
        coef.setflags(write=False)
        _HW_COEF_CACHE[marker] = coef
    return coef


def observation_table_lr(table: ObservationTable,
                         poi_observed: Mapping[str, Sequence[str] | None],
                         model: DropoutModel | None = None) -> float:
    """Total LR of a candidate's observed sets by table look-up (markers the candidate
    lacks, ``None``, count 1; an empty tuple is a marker analysed with nothing seen)."""
    log_total = 0.0
    for marker, observed in poi_observed.items():
        if observed is None:
            continue
        value = table.lookup(marker, observed, model)
        if value == 0:
            return 0.0
        log_total += math.log(value)
    return math.exp(log_total)


def _check_missing(family: Pedigree, missing_id: str,
                   genotypes: Mapping[str, Mapping[str, GenotypeData | None]]) -> None:
    if missing_id not in family:
        raise CaseError(f"missing person {missing_id!r} is not in the family pedigree",
                        field="missing_id", value=missing_id)
    if missing_id in genotypes and any(
            g is not None and (len(g) != 2 or any(a is not None for a in g))
            for g in genotypes[missing_id].values()):
        raise CaseError("the missing person must be untyped in the family data",
                        sample=missing_id, field="genotypes", value=missing_id)
    for pid in genotypes:
        if pid not in family:
            raise CaseError(f"typed person {pid!r} is not in the family pedigree",
                            sample=pid, field="genotypes", value=pid)


def missing_person_genotype_table(
    family: Pedigree,
    missing_id: str,
    genotypes: Mapping[str, Mapping[str, Genotype | None]],
    markers: Sequence[KinshipMarker],
    *,
    theta: float = 0.0,
) -> GenotypeTable:
    """P(g | family) and P(g | unrelated) per marker (see the module docstring).

    Parameters
    ----------
    family : the family pedigree, containing the (untyped) missing person.
    missing_id : id of the missing person in ``family``.
    genotypes : ``{person: {marker: (a, b)}}`` of the typed relatives.
    markers : the markers, each with its full allele list (the table covers all).
    theta : Balding–Nichols θ over all founder alleles (family founders and the POI).

    Raises :class:`CaseError` when the missing person is typed or absent, when the
    family's data are impossible at a marker (likelihood 0: the table is undefined), or
    when a marker has a silent allele (then use :func:`missing_person_observation_table`).
    """
    silent = [m.name for m in markers if m.silent_frequency > 0.0]
    if silent:
        raise CaseError("a marker with a silent allele needs the observation table "
                        "(missing_person_observation_table)", marker=silent[0],
                        field="silent_frequency", value=silent[0])
    if missing_id not in family:
        raise CaseError(f"missing person {missing_id!r} is not in the family pedigree",
                        field="missing_id", value=missing_id)
    if missing_id in genotypes and any(
            g is not None and any(a is not None for a in g)
            for g in genotypes[missing_id].values()):
        raise CaseError("the missing person must be untyped in the family data",
                        sample=missing_id, field="genotypes", value=missing_id)
    poi_id = _fresh_id(family, "__POI__")
    with_poi = family.add_person(Person(poi_id, None, None, "unknown"))
    fidx = np.asarray(family.fidx, dtype=np.intp)
    midx = np.asarray(family.midx, dtype=np.intp)
    fidx2 = np.asarray(with_poi.fidx, dtype=np.intp)
    midx2 = np.asarray(with_poi.midx, dtype=np.intp)
    mp = family.index[missing_id]
    fam_vectors: list[NDArray[np.float64]] = []
    unrel_vectors: list[NDArray[np.float64]] = []
    all_codes = [_family_codes(family, genotypes, marker) for marker in markers]
    batched = batch_marginals(fidx, midx, all_codes, markers, mp) if theta == 0.0 else None
    for k, marker in enumerate(markers):
        codes = all_codes[k]
        if batched is not None:
            table = batched[k][1]
        else:
            _, table = encoded_log_marginal(fidx, midx, codes, marker.frequencies,
                                            marker.mutation, mp, theta=theta)
        vec = _unordered(table)
        total = float(vec.sum())
        if not total > 0:
            raise CaseError("the family's genotypes are impossible at this marker "
                            "(likelihood 0); no genotype table", marker=marker.name,
                            field="genotypes", value=None)
        fam_vectors.append(vec / total)
        if theta == 0.0:
            unrel_vectors.append(_hardy_weinberg(marker))
        else:
            codes2 = np.vstack([codes, [[-1, -1]]]).astype(np.intp)
            _, table2 = encoded_log_marginal(fidx2, midx2, codes2, marker.frequencies,
                                             marker.mutation, len(family), theta=theta)
            vec2 = _unordered(table2)
            unrel_vectors.append(vec2 / float(vec2.sum()))
    return GenotypeTable(
        missing_id=missing_id,
        markers=tuple(m.name for m in markers),
        alleles=tuple(m.alleles for m in markers),
        family=tuple(fam_vectors),
        unrelated=tuple(unrel_vectors),
        theta=theta,
    )


def _fresh_id(pedigree: Pedigree, base: str) -> str:
    candidate = base
    k = 0
    while candidate in pedigree:
        k += 1
        candidate = f"{base}{k}"
    return candidate


def missing_person_hypotheses(family: Pedigree, missing_id: str, poi_id: str = "POI"
                              ) -> tuple[Hypothesis, Hypothesis]:
    """H1: the POI is the missing person; H2: the POI is unrelated to the family."""
    if missing_id not in family:
        raise CaseError(f"missing person {missing_id!r} is not in the family pedigree",
                        field="missing_id", value=missing_id)
    if poi_id in family and poi_id != missing_id:
        raise CaseError(f"POI id {poi_id!r} is already a family member", field="poi_id",
                        value=poi_id)
    h1 = Hypothesis("POI is the missing person", family.relabel({missing_id: poi_id}))
    sex = family.person(missing_id).sex
    h2 = Hypothesis("POI is unrelated", family.add_person(Person(poi_id, None, None, sex))
                    if poi_id != missing_id else family)
    return h1, h2


def missing_person_lr(
    family: Pedigree,
    missing_id: str,
    poi_genotypes: Mapping[str, GenotypeData | None],
    family_genotypes: Mapping[str, Mapping[str, GenotypeData | None]],
    markers: Sequence[KinshipMarker],
    *,
    theta: float = 0.0,
    poi_id: str = "POI",
    dropout: Mapping[str, DropoutModel] | None = None,
) -> LRResult:
    """LR of "POI is the missing person" against "POI is unrelated", per marker and total.

    ``poi_genotypes`` is ``{marker: (a, b)}`` (``None`` alleles unknown); the family's
    typed relatives are in ``family_genotypes``. ``dropout`` gives the samples with
    drop-out, the POI under ``poi_id`` (their data are observed allele sets; see
    :mod:`reunite.stats.dropout`). A thin wrapper over ``kinship_lr``.
    """
    if poi_id == missing_id:
        raise CaseError("the POI id must differ from the missing person's id",
                        field="poi_id", value=poi_id)
    h1, h2 = missing_person_hypotheses(family, missing_id, poi_id)
    data = {**family_genotypes, poi_id: dict(poi_genotypes)}
    return kinship_lr([h1, h2], markers, data, theta=theta, dropout=dropout)


def table_lr(table: GenotypeTable, poi_genotypes: Mapping[str, tuple[str, str] | None]
             ) -> float:
    """Total LR of a fully typed POI by table look-up (markers the POI lacks count 1)."""
    log_total = 0.0
    for marker, genotype in poi_genotypes.items():
        if genotype is None:
            continue
        value = table.lookup(marker, genotype)
        if value == 0:
            return 0.0
        log_total += math.log(value)
    return math.exp(log_total)


def encode_family(family: Pedigree, genotypes: Mapping[str, Mapping[str, Genotype | None]],
                  markers: Sequence[KinshipMarker]) -> list[NDArray[np.intp]]:
    """Per marker, the allele indices of every person of ``family``: int ``(len(family),
    2)``, ``-1`` unknown (the encoding :func:`missing_person_lr_codes` takes)."""
    return [_family_codes(family, genotypes, marker) for marker in markers]


def missing_person_lr_codes(
    family: Pedigree,
    missing_id: str,
    family_codes: Sequence[NDArray[np.intp]],
    poi_codes: NDArray[np.intp],
    markers: Sequence[KinshipMarker],
    *,
    theta: float = 0.0,
) -> LRResult:
    """:func:`missing_person_lr` on allele indices instead of allele names.

    The same hypotheses and numbers — H1: the POI in the missing person's place; H2: the
    POI an unrelated founder beside the unchanged family — for a caller that already holds
    integer codes (the search's exact re-score of its best candidates: the family is
    encoded once, :func:`encode_family`, and each candidate's codes go straight in).
    ``family_codes[k]`` is the family's ``(len(family), 2)`` array for ``markers[k]`` with
    the missing person untyped; ``poi_codes`` is int ``(len(markers), 2)``, ``-1`` unknown.
    """
    if missing_id not in family:
        raise CaseError(f"missing person {missing_id!r} is not in the family pedigree",
                        field="missing_id", value=missing_id)
    poi = np.asarray(poi_codes, dtype=np.intp)
    if poi.shape != (len(markers), 2) or len(family_codes) != len(markers):
        raise CaseError("one code pair per marker for the POI and one family array per marker",
                        field="poi_codes", value=poi.shape)
    mp = family.index[missing_id]
    # H1 is the family with the POI's codes in the missing person's row; H2 appends the
    # POI as a founder (the last row), as missing_person_hypotheses builds them.
    h1, h2 = missing_person_hypotheses(family, missing_id, _fresh_id(family, "__POI__"))
    arrays = [(np.asarray(p.fidx, dtype=np.intp), np.asarray(p.midx, dtype=np.intp))
              for p in (h1.pedigree, h2.pedigree)]
    typed_h1, typed_h2 = [], []
    for k, codes in enumerate(family_codes):
        if (codes[mp] >= 0).any():
            raise CaseError("the missing person must be untyped in the family data",
                            sample=missing_id, field="family_codes", marker=markers[k].name)
        in_place = np.array(codes, dtype=np.intp, copy=True)
        in_place[mp] = poi[k]
        typed_h1.append(in_place)
        typed_h2.append(np.vstack([codes, poi[k:k + 1]]).astype(np.intp))
    logs: dict[str, dict[str, float]] = {}
    for name, (fidx, midx), codes_list in ((h1.name, arrays[0], typed_h1),
                                           (h2.name, arrays[1], typed_h2)):
        if theta == 0.0:
            values = batch_log_likelihoods(fidx, midx, codes_list, markers)
        else:
            values = [encoded_log_likelihood(fidx, midx, c, m.frequencies, m.mutation,
                                             theta=theta, silent=m.silent_frequency)
                      for c, m in zip(codes_list, markers, strict=True)]
        logs[name] = {m.name: float(v) for m, v in zip(markers, values, strict=True)}
    return LRResult(case_id=None, hypotheses=(h1.name, h2.name),
                    markers=tuple(m.name for m in markers), log_likelihoods=logs,
                    inconsistencies=(),
                    provenance=make_provenance("missing_person_lr_codes", {"theta": theta}))

"""Exact likelihood of genotype data on a pedigree, one marker at a time.

``pedigree_likelihood(pedigree, genotypes, marker, theta=...)`` validates and encodes
(labels to integer indices), then calls the private variable-elimination kernel in
:mod:`reunite.stats._peeling` (see there for the model and the algorithm).

Exact reductions applied first, none of which changes the value:

* untyped persons without typed descendants are removed (they sum to 1; with θ the
  Balding–Nichols urn is exchangeable, so their founder alleles drop out too);
* when the mutation model is the identity, or the alleles not seen in any typed person
  form a strongly lumpable block of both the female and the male matrix (Kemeny–Snell;
  always true for ``equal`` and ``proportional``), those alleles are lumped into one
  allele with frequency ``1 − Σ(observed)``, as pedprobr does. When they cannot be
  lumped, the untransmitted allele of an untyped founder with a single child sums to
  exactly 1, as in pedprobr's direct sampling of such a founder's transmitted allele. Both
  change nothing for a table summing to 1, and reproduce pedprobr to the last digits for
  published tables that miss 1 by rounding (~1e-10). The Dirichlet-multinomial is closed
  under merging of categories, so this is exact with θ too;
* with θ > 0 the founder alleles are coupled; the likelihood is the weighted sum over
  their identity-by-descent partitions (:mod:`reunite.stats.theta`).

Genotypes are unordered pairs of allele names; ``None`` for an unknown allele
(``("14", None)`` is half-typed: the other allele is summed over every allele of the
marker); a missing or ``None`` genotype means untyped.

Degraded samples (:mod:`reunite.stats.dropout` states the model): the data of a person
with a :class:`~reunite.genetics.observation.DropoutModel` is the observed allele set,
and its evidence factor becomes P(observed set | true genotype) instead of an indicator;
a marker's silent allele (``silent_frequency``) is one more allele of the working
alphabet. Lumping of unseen alleles stays exact when every such sample has d_hom = d²
(the default; otherwise nothing is lumped). Without samples with drop-out and without a
silent allele the computation is exactly the one above (same code path).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reunite.errors import CaseError
from reunite.genetics.observation import DropoutModel, Observed
from reunite.genetics.pedigree import Pedigree
from reunite.stats import _observation, _peeling
from reunite.stats._observation import EncodedObservation
from reunite.stats.mutation import MutationModel, lump_matrix
from reunite.stats.theta import founder_partitions, partition_key

__all__ = [
    "Genotype",
    "GenotypeData",
    "KinshipMarker",
    "Observed",
    "pedigree_likelihood",
    "pedigree_log_likelihood",
]

Genotype = tuple[str | None, str | None]

GenotypeData = Genotype | Observed
"""What a person's data at a marker may be: a genotype (``None`` for an unknown allele),
or, for a person with drop-out, the observed allele set (see :mod:`reunite.stats.dropout`).
"""

MAX_THETA_FREE_FOUNDER_ALLELES = 10
"""With θ > 0, the most founder alleles not fixed by a genotype (Bell(10) = 115,975
partitions, before pruning); beyond it the exact computation is refused, not approximated."""


@dataclass(frozen=True, eq=False)
class KinshipMarker:
    """One autosomal marker: allele names, founder frequencies and mutation model.

    ``frequencies`` is float64 parallel to ``alleles``; ``mutation`` ``None`` means no
    mutation. ``silent_frequency`` (s, in [0, 1)) adds a silent allele that is never
    observed: founders draw it with probability s and the listed alleles with their
    frequencies times (1 − s); it neither mutates nor is mutated into. Drop-in alleles are
    drawn from ``frequencies`` as given (see :mod:`reunite.stats.dropout`).
    """

    name: str
    alleles: tuple[str, ...]
    frequencies: NDArray[np.float64]
    mutation: MutationModel | None = None
    silent_frequency: float = 0.0
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "alleles", tuple(self.alleles))
        object.__setattr__(self, "frequencies",
                           np.asarray(self.frequencies, dtype=np.float64))
        object.__setattr__(self, "index", {a: i for i, a in enumerate(self.alleles)})
        if len(self.index) != len(self.alleles):
            raise CaseError("duplicate allele names", marker=self.name, field="alleles",
                            value=list(self.alleles))
        if self.frequencies.shape != (len(self.alleles),):
            raise CaseError("alleles and frequencies differ in length", marker=self.name,
                            field="frequencies", value=len(self.frequencies))
        s = self.silent_frequency
        if isinstance(s, bool) or not isinstance(s, int | float) or not 0.0 <= s < 1.0:
            raise CaseError("silent_frequency must be a number in [0, 1)", marker=self.name,
                            field="silent_frequency", value=s)
        object.__setattr__(self, "silent_frequency", float(s))

    @property
    def n_alleles(self) -> int:
        """Number of alleles."""
        return len(self.alleles)

    def encode(self, genotype: Genotype | None, *, person: str | None = None
               ) -> tuple[int, int]:
        """Allele indices of a genotype, ``-1`` for unknown."""
        if genotype is None:
            return (-1, -1)
        out = []
        for allele in genotype:
            if allele is None:
                out.append(-1)
                continue
            idx = self.index.get(allele)
            if idx is None:
                raise CaseError(f"allele {allele!r} is not an allele of the marker",
                                marker=self.name, sample=person, field="genotypes",
                                value=allele)
            out.append(idx)
        return (out[0], out[1])

    def encode_observed(self, observed: Sequence[str | None], *, person: str | None = None
                        ) -> tuple[int, ...]:
        """Sorted distinct allele indices of an observed allele set (no unknowns)."""
        out: set[int] = set()
        for allele in observed:
            if allele is None:
                raise CaseError("an observed allele set has no unknown (null) alleles: "
                                "list the alleles seen", marker=self.name, sample=person,
                                field="genotypes", value=list(observed))
            idx = self.index.get(allele)
            if idx is None:
                raise CaseError(f"allele {allele!r} is not an allele of the marker",
                                marker=self.name, sample=person, field="genotypes",
                                value=allele)
            out.add(idx)
        return tuple(sorted(out))


def pedigree_likelihood(
    pedigree: Pedigree,
    genotypes: Mapping[str, GenotypeData | None],
    marker: KinshipMarker,
    *,
    theta: float = 0.0,
    dropout: Mapping[str, DropoutModel] | None = None,
) -> float:
    """Likelihood P(genotypes | pedigree) of one marker (see the module docstring)."""
    return math.exp(pedigree_log_likelihood(pedigree, genotypes, marker, theta=theta,
                                            dropout=dropout))


def pedigree_log_likelihood(
    pedigree: Pedigree,
    genotypes: Mapping[str, GenotypeData | None],
    marker: KinshipMarker,
    *,
    theta: float = 0.0,
    dropout: Mapping[str, DropoutModel] | None = None,
) -> float:
    """Natural log of :func:`pedigree_likelihood` (``-inf`` when impossible).

    ``dropout`` gives the samples with drop-out (their data are observed allele sets);
    the marker's ``silent_frequency`` adds a silent allele (:mod:`reunite.stats.dropout`).
    """
    if not (0.0 <= theta < 1.0):
        raise CaseError("theta must lie in [0, 1)", field="theta", value=theta)
    for pid in genotypes:
        if pid not in pedigree:
            raise CaseError(f"typed person {pid!r} is not in the pedigree", sample=pid,
                            field="genotypes", value=pid, marker=marker.name)
    codes, observations = encode_data(pedigree.index, len(pedigree), genotypes, marker,
                                      dropout)
    fidx = np.asarray(pedigree.fidx, dtype=np.intp)
    midx = np.asarray(pedigree.midx, dtype=np.intp)
    return encoded_log_likelihood(fidx, midx, codes, marker.frequencies, marker.mutation,
                                  theta=theta, observations=observations,
                                  silent=marker.silent_frequency)


def encode_data(
    index: Mapping[str, int],
    n_persons: int,
    genotypes: Mapping[str, GenotypeData | None],
    marker: KinshipMarker,
    dropout: Mapping[str, DropoutModel] | None = None,
) -> tuple[NDArray[np.intp], dict[int, EncodedObservation]]:
    """Genotype codes (N, 2) and the observed sets of persons read through the model.

    A person with a non-zero :class:`DropoutModel` contributes an observed allele set
    (no unknown alleles; three alleles only with drop-in); anyone else a genotype, where
    ``("a",)`` reads as ``("a", "a")`` and ``()`` (nothing seen) as an observed set that
    only a silent allele explains.
    """
    codes = np.full((n_persons, 2), -1, dtype=np.intp)
    observations: dict[int, EncodedObservation] = {}
    for pid, g in genotypes.items():
        if g is None:
            continue
        k = index[pid]
        model = dropout.get(pid) if dropout else None
        if model is not None and not model.is_zero:
            alleles = marker.encode_observed(g, person=pid)
            if len(alleles) > 3 or (len(alleles) == 3 and model.drop_in == 0.0):
                raise CaseError("more alleles than one person and a drop-in can show",
                                marker=marker.name, sample=pid, field="genotypes",
                                value=list(g))
            observations[k] = EncodedObservation(alleles, model.dropout, model.homozygous,
                                                 model.drop_in)
        elif len(g) == 2:
            codes[k] = marker.encode((g[0], g[1]), person=pid)
        elif len(g) == 1:
            codes[k] = marker.encode((g[0], g[0]), person=pid)
        elif len(g) == 0:
            observations[k] = EncodedObservation(())
        else:
            raise CaseError("more than two alleles need a sample with drop-in",
                            marker=marker.name, sample=pid, field="genotypes",
                            value=list(g))
    return codes, observations


def encoded_log_likelihood(
    fidx: NDArray[np.intp],
    midx: NDArray[np.intp],
    codes: NDArray[np.intp],
    freqs: NDArray[np.float64],
    mutation: MutationModel | None,
    *,
    theta: float = 0.0,
    observations: Mapping[int, EncodedObservation] | None = None,
    silent: float = 0.0,
) -> float:
    """Log-likelihood from integer arrays (pruning, lumping and θ; no validation).

    ``observations`` (person index -> observed set and model) replace the 0/1 evidence
    of those persons by P(observed | genotype); ``silent`` is the silent-allele
    frequency. Without either the computation is the one for genotypes, unchanged.
    """
    if observations or silent > 0.0:
        return _observed_log_likelihood(fidx, midx, codes, freqs, mutation, theta,
                                        dict(observations or {}), silent)
    fidx, midx, codes, _ = _prune(fidx, midx, codes)
    if fidx.size == 0:
        return 0.0
    n_full = freqs.size
    female, male, freqs, codes = _working_alphabet(codes, freqs, mutation)
    if theta == 0.0:
        single = _single_child_founders(fidx, midx, codes, freqs, n_full)
        person_freqs = dict.fromkeys(single, freqs / float(freqs.sum())) if single else None
        return _peeling.log_likelihood(fidx, midx, codes, freqs, female, male,
                                       person_freqs=person_freqs)
    return _theta_log_likelihood(fidx, midx, codes, freqs, female, male, theta, None)


def _theta_log_likelihood(fidx: NDArray[np.intp], midx: NDArray[np.intp],
                          codes: NDArray[np.intp], freqs: NDArray[np.float64],
                          female: NDArray[np.float64], male: NDArray[np.float64],
                          theta: float, evidence: dict[int, NDArray[np.float64]] | None
                          ) -> float:
    """θ > 0: the urn-weighted sum over the founders' IBD partitions."""
    founder_vars, domains = _founder_items(fidx, codes, evidence)
    swaps = _founder_swaps(fidx, -1)
    seen: dict[tuple[int, ...], float] = {}
    total = 0.0
    logs: list[float] = []
    weights: list[float] = []
    for blocks, weight in founder_partitions(founder_vars, theta, domains):
        key = partition_key(blocks, founder_vars, swaps)
        ll = seen.get(key, math.nan)
        if math.isnan(ll):
            ll = _peeling.log_likelihood(fidx, midx, codes, freqs, female, male, blocks,
                                         evidence=evidence)
            seen[key] = ll
        if ll > -math.inf and weight > 0:
            logs.append(ll)
            weights.append(weight)
    if not logs:
        return -math.inf
    top = max(logs)
    total = sum(w * math.exp(ll - top) for ll, w in zip(logs, weights, strict=True))
    return top + math.log(total) if total > 0 else -math.inf


@dataclass(frozen=True, eq=False)
class _Observed:
    """A marker with observed sets, pruned and on its working alphabet (θ-free parts)."""

    fidx: NDArray[np.intp]
    midx: NDArray[np.intp]
    codes: NDArray[np.intp]
    freqs: NDArray[np.float64]
    female: NDArray[np.float64]
    male: NDArray[np.float64]
    evidence: dict[int, NDArray[np.float64]]
    single: list[int]
    kept: tuple[int, ...]


def _prepare_observed(fidx: NDArray[np.intp], midx: NDArray[np.intp],
                      codes: NDArray[np.intp], freqs: NDArray[np.float64],
                      mutation: MutationModel | None,
                      observations: dict[int, EncodedObservation], silent: float
                      ) -> _Observed:
    """Prune, choose the working alphabet (lumped when exact), add the silent allele and
    build each observed person's evidence matrix."""
    codes, observations = _silent_homozygotes(codes, observations, silent)
    typed = _typed_mask(codes, observations)
    keep = _keep_mask_typed(fidx, midx, typed, -1)
    kept = tuple(int(k) for k in np.flatnonzero(keep))
    fidx, midx, codes, _ = _apply_keep(fidx, midx, codes, keep, -1)
    observations = _reindex(observations, keep)
    n_full = freqs.size
    extra = np.array(sorted({a for o in observations.values() for a in o.alleles}),
                     dtype=np.intp)
    allow_lump = all(o.lumpable for o in observations.values())
    female, male, wfreqs, mapping = _alphabet(codes, freqs, mutation, extra, allow_lump)
    codes = _map_codes(codes, mapping)
    female, male, wfreqs, silent_index = _with_silent(female, male, wfreqs, silent)
    evidence = _evidence(observations, freqs, mapping, wfreqs.size, silent_index)
    single = (_single_child_founders(fidx, midx, codes, wfreqs, n_full,
                                     exclude=tuple(evidence)) if fidx.size else [])
    return _Observed(fidx, midx, codes, wfreqs, female, male, evidence, single, kept)


def _observed_log_likelihood(fidx: NDArray[np.intp], midx: NDArray[np.intp],
                             codes: NDArray[np.intp], freqs: NDArray[np.float64],
                             mutation: MutationModel | None, theta: float,
                             observations: dict[int, EncodedObservation], silent: float
                             ) -> float:
    """:func:`encoded_log_likelihood` with observed sets or a silent allele."""
    w = _prepare_observed(fidx, midx, codes, freqs, mutation, observations, silent)
    if w.fidx.size == 0:
        return 0.0
    if theta == 0.0:
        person_freqs = (dict.fromkeys(w.single, w.freqs / float(w.freqs.sum()))
                        if w.single else None)
        return _peeling.log_likelihood(w.fidx, w.midx, w.codes, w.freqs, w.female, w.male,
                                       person_freqs=person_freqs, evidence=w.evidence)
    return _theta_log_likelihood(w.fidx, w.midx, w.codes, w.freqs, w.female, w.male, theta,
                                 w.evidence)


def _silent_homozygotes(codes: NDArray[np.intp], observations: dict[int, EncodedObservation],
                        silent: float
                        ) -> tuple[NDArray[np.intp], dict[int, EncodedObservation]]:
    """With a silent allele a typed homozygote ``a/a`` is the observed set ``{a}``."""
    if silent == 0.0:
        return codes, observations
    hom = np.flatnonzero((codes[:, 0] >= 0) & (codes[:, 0] == codes[:, 1]))
    if hom.size == 0:
        return codes, observations
    codes = codes.copy()
    observations = dict(observations)
    for k in hom:
        observations[int(k)] = EncodedObservation((int(codes[k, 0]),))
        codes[k] = -1
    return codes, observations


def _typed_mask(codes: NDArray[np.intp], observations: Mapping[int, EncodedObservation]
                ) -> NDArray[np.bool_]:
    typed: NDArray[np.bool_] = np.array((codes >= 0).any(axis=1), dtype=bool)
    typed[list(observations)] = True
    return typed


def _reindex(observations: Mapping[int, EncodedObservation], keep: NDArray[np.bool_]
             ) -> dict[int, EncodedObservation]:
    new_index = np.cumsum(keep) - 1
    return {int(new_index[k]): o for k, o in observations.items() if keep[k]}


def _map_codes(codes: NDArray[np.intp], mapping: NDArray[np.intp] | None
               ) -> NDArray[np.intp]:
    if mapping is None:
        return codes
    return np.where(codes >= 0, mapping[codes], -1).astype(np.intp)


def _with_silent(female: NDArray[np.float64], male: NDArray[np.float64],
                 freqs: NDArray[np.float64], silent: float
                 ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64],
                            int]:
    """Append the silent allele: frequency s, the others × (1 − s), no mutation."""
    if silent == 0.0:
        return female, male, freqs, -1
    n = freqs.size

    def grow(mat: NDArray[np.float64]) -> NDArray[np.float64]:
        out = np.zeros((n + 1, n + 1))
        out[:n, :n] = mat
        out[n, n] = 1.0
        return out

    new_freqs = np.concatenate([freqs * (1.0 - silent), [silent]])
    return grow(female), grow(male), new_freqs, n


def _evidence(observations: Mapping[int, EncodedObservation], listed: NDArray[np.float64],
              mapping: NDArray[np.intp] | None, n_working: int, silent_index: int
              ) -> dict[int, NDArray[np.float64]]:
    """P(observed | ordered genotype) of each observed person on the working alphabet.

    Drop-in alleles are drawn with the listed frequencies as given; an observed allele is
    never lumped, so the lump's drop-in probability is never used.
    """
    q = np.zeros(n_working)
    if mapping is None:
        q[:listed.size] = listed
    else:
        seen = np.flatnonzero(mapping[:listed.size] >= 0)
        q[mapping[seen]] = listed[seen]
    out: dict[int, NDArray[np.float64]] = {}
    for k, o in observations.items():
        alleles = [int(mapping[a]) if mapping is not None else a for a in o.alleles]
        out[k] = _observation.evidence_matrix(alleles, n_working, q, silent_index,
                                              o.dropout, o.dropout_homozygous, o.drop_in)
    return out


def _single_child_founders(fidx: NDArray[np.intp], midx: NDArray[np.intp],
                           codes: NDArray[np.intp], freqs: NDArray[np.float64],
                           n_full: int, exclude: Sequence[int] = ()) -> list[int]:
    """Untyped founders with one child, on an unlumped table not summing to exactly 1.

    pedprobr samples such a founder's transmitted allele directly, so its other allele
    sums to exactly 1; the engine matches that by normalising one of its two priors.
    ``exclude``: persons typed otherwise (observed sets).
    """
    if freqs.size != n_full or float(freqs.sum()) == 1.0:
        return []
    n_children = np.bincount(np.concatenate([fidx[fidx >= 0], midx[midx >= 0]]),
                             minlength=fidx.size)
    return [k for k in range(fidx.size)
            if fidx[k] < 0 and n_children[k] == 1 and (codes[k] < 0).all()
            and k not in exclude]


_BATCH_MAX_ALLELES = 8


def batch_log_likelihoods(
    fidx: NDArray[np.intp],
    midx: NDArray[np.intp],
    codes: Sequence[NDArray[np.intp]],
    markers: Sequence[KinshipMarker],
    observations: Sequence[Mapping[int, EncodedObservation]] | None = None,
) -> list[float]:
    """θ = 0 log-likelihoods of several markers on one pedigree, batched.

    Each marker is pruned and lumped as in :func:`encoded_log_likelihood`; markers whose
    reduced problems share a structure (kept persons, which are fully typed, which are
    observed through the drop-out model) are padded to a common alphabet size and
    eliminated together (:func:`reunite.stats._peeling.log_likelihood_batch`).
    ``observations`` (one mapping per marker) and the markers' silent alleles enter as
    in :func:`encoded_log_likelihood`. Equal to the per-marker computation (tested).
    """
    results = [0.0] * len(markers)
    groups: dict[tuple[tuple[int, ...], tuple[bool, ...], tuple[int, ...]],
                 list[tuple[int, Any]]] = {}
    for i, (marker, c) in enumerate(zip(markers, codes, strict=True)):
        obs = dict(observations[i]) if observations is not None else {}
        evidence: dict[int, NDArray[np.float64]] = {}
        if obs or marker.silent_frequency > 0.0:
            w = _prepare_observed(fidx, midx, c, marker.frequencies, marker.mutation, obs,
                                  marker.silent_frequency)
            f, m, cc, kept = w.fidx, w.midx, w.codes, w.kept
            female, male, freqs, single, evidence = (w.female, w.male, w.freqs, w.single,
                                                     w.evidence)
            if f.size == 0:
                continue
        else:
            f, m, cc, kept = _prune_kept(fidx, midx, c)
            if f.size == 0:
                continue
            n_full = marker.frequencies.size
            female, male, freqs, cc = _working_alphabet(cc, marker.frequencies,
                                                        marker.mutation)
            single = _single_child_founders(f, m, cc, freqs, n_full)
        typed_now: list[bool] = np.asarray((cc >= 0).all(axis=1), dtype=bool).tolist()
        # Batching pays on small (lumped) alphabets, where per-call overhead dominates;
        # large unlumpable alphabets (stepwise) are faster one by one without padding.
        key = ((kept, tuple(typed_now), tuple(sorted(evidence)))
               if freqs.size <= _BATCH_MAX_ALLELES else ((i,), (), ()))
        groups.setdefault(key, []).append(
            (i, (f, m, cc, freqs, female, male, single, evidence)))
    for key, members in groups.items():
        typed = key[1]
        if len(members) == 1:
            i, (f, m, cc, freqs, female, male, single, evidence) = members[0]
            person_freqs = dict.fromkeys(single, freqs / float(freqs.sum())) if single else None
            results[i] = _peeling.log_likelihood(f, m, cc, freqs, female, male,
                                                 person_freqs=person_freqs,
                                                 evidence=evidence or None)
            continue
        f, m = members[0][1][0], members[0][1][1]
        n_max = max(item[3].size for _, item in members)
        b = len(members)
        all_codes = np.stack([item[2] for _, item in members])
        all_freqs = np.zeros((b, n_max))
        alt = np.zeros((b, n_max))
        alt_mask = np.zeros((b, f.size), dtype=bool)
        fem = np.broadcast_to(np.eye(n_max), (b, n_max, n_max)).copy()
        mal = fem.copy()
        all_evidence = {k: np.zeros((b, n_max, n_max)) for k in key[2]}
        for row, (_, (_, _, _, freqs, female, male, single, evidence)) in enumerate(
                members):
            n = freqs.size
            all_freqs[row, :n] = freqs
            alt[row, :n] = freqs / float(freqs.sum())
            alt_mask[row, single] = True
            fem[row, :n, :n] = female
            mal[row, :n, :n] = male
            for k, ev in evidence.items():
                all_evidence[k][row, :n, :n] = ev
        logs = _peeling.log_likelihood_batch(
            f, m, np.array(typed), all_codes, all_freqs, fem, mal,
            alt_freqs=alt, alt_mask=alt_mask, evidence=all_evidence or None)
        for row, (i, _) in enumerate(members):
            results[i] = float(logs[row])
    return results


def batch_marginals(
    fidx: NDArray[np.intp],
    midx: NDArray[np.intp],
    codes: Sequence[NDArray[np.intp]],
    markers: Sequence[KinshipMarker],
    query: int,
) -> list[tuple[float, NDArray[np.float64]]]:
    """θ = 0 :func:`encoded_log_marginal` of several markers, batched where possible.

    Markers without mutation are lumped (observed alleles + one lump), grouped by
    structure, padded and eliminated together, then expanded to their full alphabets;
    markers with mutation are computed one by one. Equal to the per-marker function.
    """
    results: list[tuple[float, NDArray[np.float64]]] = [(0.0, np.zeros((0, 0)))] * len(
        markers)
    groups: dict[tuple[tuple[int, ...], tuple[bool, ...]], list[tuple[int, Any]]] = {}
    inbred = _parents_related(fidx, midx, query)
    for i, (marker, c) in enumerate(zip(markers, codes, strict=True)):
        if inbred or (marker.mutation is not None and not marker.mutation.is_trivial):
            results[i] = encoded_log_marginal(fidx, midx, c, marker.frequencies,
                                              marker.mutation, query)
            continue
        keep = _keep_mask(fidx, midx, c, query)
        f, m, cc, q = _apply_keep(fidx, midx, c, keep, query)
        freqs = marker.frequencies
        observed = np.unique(cc[cc >= 0])
        rest = np.setdiff1d(np.arange(freqs.size), observed)
        lump = max(1.0 - float(freqs[observed].sum()), 0.0)
        small_freqs = np.concatenate([freqs[observed], [lump]])
        mapping = np.full(freqs.size + 1, -1, dtype=np.intp)
        mapping[observed] = np.arange(observed.size)
        small_codes = np.where(cc >= 0, mapping[cc], -1)
        typed_now: list[bool] = np.asarray((small_codes >= 0).all(axis=1),
                                           dtype=bool).tolist()
        kept = tuple(int(k) for k in np.flatnonzero(keep))
        groups.setdefault((kept, tuple(typed_now)), []).append(
            (i, (f, m, small_codes, small_freqs, observed, rest, q)))
    for key, members in groups.items():
        typed = np.array(key[1], dtype=bool)
        f, m, q = members[0][1][0], members[0][1][1], members[0][1][6]
        n_max = max(item[3].size for _, item in members)
        b = len(members)
        all_codes = np.stack([item[2] for _, item in members])
        all_freqs = np.zeros((b, n_max))
        for row, (_, item) in enumerate(members):
            all_freqs[row, :item[3].size] = item[3]
        eye = np.broadcast_to(np.eye(n_max), (b, n_max, n_max))
        logs, tables = _peeling.log_marginal_batch(f, m, typed, all_codes, all_freqs, eye,
                                                   eye, q)
        for row, (i, item) in enumerate(members):
            observed, rest = item[4], item[5]
            k = observed.size
            small = tables[row, :k + 1, :k + 1]
            results[i] = (float(logs[row]), _expand_lumped(
                small, observed, rest, markers[i].frequencies))
    return results


def _expand_lumped(small: NDArray[np.float64], observed: NDArray[np.intp],
                   rest: NDArray[np.intp], freqs: NDArray[np.float64]
                   ) -> NDArray[np.float64]:
    """Full (n, n) table from one over observed alleles + a lump (last row/column)."""
    n = freqs.size
    k = observed.size
    rest_p = freqs[rest]
    total = float(rest_p.sum())
    share = rest_p / total if total > 0 else np.zeros_like(rest_p)
    table = np.zeros((n, n))
    table[np.ix_(observed, observed)] = small[:k, :k]
    if rest.size:
        table[np.ix_(observed, rest)] = small[:k, k:k + 1] * share[None, :]
        table[np.ix_(rest, observed)] = share[:, None] * small[k:k + 1, :k]
        table[np.ix_(rest, rest)] = small[k, k] * np.outer(share, share)
    return table


def _prune_kept(fidx: NDArray[np.intp], midx: NDArray[np.intp], codes: NDArray[np.intp]
                ) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp],
                           tuple[int, ...]]:
    """:func:`_prune`, also returning the kept persons' original indices."""
    keep = _keep_mask(fidx, midx, codes, -1)
    kept = tuple(int(k) for k in np.flatnonzero(keep))
    f, m, c, _ = _apply_keep(fidx, midx, codes, keep, -1)
    return f, m, c, kept


def encoded_log_marginal(
    fidx: NDArray[np.intp],
    midx: NDArray[np.intp],
    codes: NDArray[np.intp],
    freqs: NDArray[np.float64],
    mutation: MutationModel | None,
    query: int,
    *,
    theta: float = 0.0,
    observations: Mapping[int, EncodedObservation] | None = None,
    silent: float = 0.0,
) -> tuple[float, NDArray[np.float64]]:
    """Joint probability of the data and the ordered genotype of untyped person ``query``.

    Returns ``(log_scale, table)``, table float64 (n, n) over the marker's full alphabet:
    P(data, pat = i, mat = j) = exp(log_scale)·table[i, j]. With a silent allele
    (``silent`` > 0) the table is (n + 1, n + 1), the silent allele last.

    With θ = 0 and no mutation the alleles unseen in the data are lumped first and the
    table expanded afterwards: an unseen allele of ``query`` descends from a founder
    allele that nothing else constrains, so within the lump it is allele ``u`` with
    probability ``p_u / Σ unseen p``, and its two unseen alleles are independent draws
    unless they can be identical by descent. So the lump is used only when the parents
    of ``query`` are unrelated (exact; not with mutation or θ, where it is not). With
    observed sets (``observations``) or a silent allele nothing is lumped.
    """
    if observations or silent > 0.0:
        return _observed_log_marginal(fidx, midx, codes, freqs, mutation, query, theta,
                                      dict(observations or {}), silent)
    fidx, midx, codes, query = _prune(fidx, midx, codes, query)
    n = freqs.size
    if mutation is None:
        female = male = np.eye(n)
    else:
        female, male = mutation.female, mutation.male
    if theta == 0.0 and (mutation is None or mutation.is_trivial) and not _parents_related(
            fidx, midx, query):
        observed = np.unique(codes[codes >= 0])
        if observed.size < n - 1:
            return _lumped_marginal(fidx, midx, codes, freqs, observed, query)
    if theta == 0.0:
        return _peeling.log_marginal(fidx, midx, codes, freqs, female, male, query)
    return _theta_log_marginal(fidx, midx, codes, freqs, female, male, query, theta, None)


def _theta_log_marginal(fidx: NDArray[np.intp], midx: NDArray[np.intp],
                        codes: NDArray[np.intp], freqs: NDArray[np.float64],
                        female: NDArray[np.float64], male: NDArray[np.float64], query: int,
                        theta: float, evidence: dict[int, NDArray[np.float64]] | None
                        ) -> tuple[float, NDArray[np.float64]]:
    """θ > 0 marginal: the urn-weighted sum over the founders' IBD partitions."""
    n = freqs.size
    founder_vars, domains = _founder_items(fidx, codes, evidence)
    swaps = _founder_swaps(fidx, query)
    seen: dict[tuple[int, ...], tuple[float, NDArray[np.float64]]] = {}
    parts: list[tuple[float, NDArray[np.float64]]] = []
    for blocks, weight in founder_partitions(founder_vars, theta, domains):
        key = partition_key(blocks, founder_vars, swaps)
        if key not in seen:
            seen[key] = _peeling.log_marginal(fidx, midx, codes, freqs, female, male, query,
                                              blocks, evidence=evidence)
        ll, table = seen[key]
        if ll > -math.inf and weight > 0:
            parts.append((ll + math.log(weight), table))
    if not parts:
        return -math.inf, np.zeros((n, n))
    top = max(ll for ll, _ in parts)
    total = np.zeros((n, n))
    for ll, table in parts:
        total += math.exp(ll - top) * table
    return top, total


def _observed_log_marginal(fidx: NDArray[np.intp], midx: NDArray[np.intp],
                           codes: NDArray[np.intp], freqs: NDArray[np.float64],
                           mutation: MutationModel | None, query: int, theta: float,
                           observations: dict[int, EncodedObservation], silent: float
                           ) -> tuple[float, NDArray[np.float64]]:
    """:func:`encoded_log_marginal` with observed sets or a silent allele (unlumped)."""
    codes, observations = _silent_homozygotes(codes, observations, silent)
    typed = _typed_mask(codes, observations)
    keep = _keep_mask_typed(fidx, midx, typed, query)
    fidx, midx, codes, query = _apply_keep(fidx, midx, codes, keep, query)
    observations = _reindex(observations, keep)
    n = freqs.size
    if mutation is None:
        female = male = np.eye(n)
    else:
        female, male = mutation.female, mutation.male
    female, male, wfreqs, silent_index = _with_silent(female, male, freqs, silent)
    evidence = _evidence(observations, freqs, None, wfreqs.size, silent_index)
    if theta == 0.0:
        return _peeling.log_marginal(fidx, midx, codes, wfreqs, female, male, query,
                                     evidence=evidence)
    return _theta_log_marginal(fidx, midx, codes, wfreqs, female, male, query, theta,
                               evidence)


def _lumped_marginal(fidx: NDArray[np.intp], midx: NDArray[np.intp],
                     codes: NDArray[np.intp], freqs: NDArray[np.float64],
                     observed: NDArray[np.intp], query: int
                     ) -> tuple[float, NDArray[np.float64]]:
    """:func:`encoded_log_marginal` without mutation, on observed alleles + one lump."""
    n = freqs.size
    k = observed.size
    rest = np.setdiff1d(np.arange(n), observed)
    lump = max(1.0 - float(freqs[observed].sum()), 0.0)
    small_freqs = np.concatenate([freqs[observed], [lump]])
    mapping = np.full(n + 1, -1, dtype=np.intp)
    mapping[observed] = np.arange(k)
    small_codes = np.where(codes >= 0, mapping[codes], -1)
    eye = np.eye(k + 1)
    log_scale, small = _peeling.log_marginal(fidx, midx, small_codes, small_freqs, eye, eye,
                                             query)
    rest_p = freqs[rest]
    share = rest_p / rest_p.sum() if rest_p.sum() > 0 else np.zeros_like(rest_p)
    table = np.zeros((n, n))
    table[np.ix_(observed, observed)] = small[:k, :k]
    table[np.ix_(observed, rest)] = small[:k, k:k + 1] * share[None, :]
    table[np.ix_(rest, observed)] = share[:, None] * small[k:k + 1, :k]
    table[np.ix_(rest, rest)] = small[k, k] * np.outer(share, share)
    return log_scale, table


def _parents_related(fidx: NDArray[np.intp], midx: NDArray[np.intp], person: int) -> bool:
    """Whether ``person``'s father and mother share an ancestor (or one is the other's)."""
    if person < 0 or fidx[person] < 0:
        return False

    def lineage(k: int) -> set[int]:
        out: set[int] = set()
        stack = [k]
        while stack:
            j = stack.pop()
            if j < 0 or j in out:
                continue
            out.add(j)
            stack.extend((int(fidx[j]), int(midx[j])))
        return out

    return bool(lineage(int(fidx[person])) & lineage(int(midx[person])))


def _founder_swaps(fidx: NDArray[np.intp], query: int) -> list[tuple[int, int]]:
    """Pairs (paternal, maternal) of founder allele variables that may be exchanged.

    Not those of ``query``: swapping them would transpose its genotype table.
    """
    return [(2 * k, 2 * k + 1) for k in range(fidx.size) if fidx[k] < 0 and k != query]


def _founder_items(fidx: NDArray[np.intp], codes: NDArray[np.intp],
                   evidence: Mapping[int, NDArray[np.float64]] | None = None,
                   ) -> tuple[list[int], list[frozenset[int] | None]]:
    """Founder allele variables and the alleles each can take (typed founders first)."""
    items: list[tuple[int, frozenset[int] | None]] = []
    for k in range(fidx.size):
        if fidx[k] >= 0:
            continue
        a, b = int(codes[k, 0]), int(codes[k, 1])
        dom = frozenset((a, b)) if a >= 0 and b >= 0 else None
        if evidence is not None and k in evidence:
            support = np.flatnonzero(evidence[k].any(axis=0) | evidence[k].any(axis=1))
            dom = (frozenset(int(x) for x in support)
                   if support.size < evidence[k].shape[0] else None)
        items.extend([(2 * k, dom), (2 * k + 1, dom)])
    # Typed founders first: incompatible blocks are pruned early in the recursion.
    items.sort(key=lambda t: t[1] is None)
    unconstrained = sum(1 for _, d in items if d is None)
    if unconstrained > MAX_THETA_FREE_FOUNDER_ALLELES:
        raise CaseError(
            f"θ > 0 with {unconstrained // 2} founders not fully typed (after removing "
            f"persons without typed descendants) needs more IBD partitions than is "
            f"practical; at most {MAX_THETA_FREE_FOUNDER_ALLELES // 2} are supported",
            field="theta", value=unconstrained // 2)
    return [v for v, _ in items], [d for _, d in items]


def _prune(fidx: NDArray[np.intp], midx: NDArray[np.intp], codes: NDArray[np.intp],
           query: int = -1) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp],
                                     int]:
    """Drop untyped persons without typed descendants (exact: they sum to 1).

    ``query`` (an untyped person whose genotype is wanted) counts as typed; its new index
    is returned (``-1`` when none).
    """
    return _apply_keep(fidx, midx, codes, _keep_mask(fidx, midx, codes, query), query)


def _keep_mask(fidx: NDArray[np.intp], midx: NDArray[np.intp], codes: NDArray[np.intp],
               query: int) -> NDArray[np.bool_]:
    """Typed persons (and ``query``) and all their ancestors."""
    return _keep_mask_typed(fidx, midx, np.array((codes >= 0).any(axis=1), dtype=bool),
                            query)


def _keep_mask_typed(fidx: NDArray[np.intp], midx: NDArray[np.intp],
                     typed: NDArray[np.bool_], query: int) -> NDArray[np.bool_]:
    """Persons flagged in ``typed`` (and ``query``) and all their ancestors."""
    keep: NDArray[np.bool_] = typed.copy()
    if query >= 0:
        keep[query] = True
    stack = [int(k) for k in np.flatnonzero(keep)]
    while stack:
        k = stack.pop()
        for parent in (int(fidx[k]), int(midx[k])):
            if parent >= 0 and not keep[parent]:
                keep[parent] = True
                stack.append(parent)
    return keep


def _apply_keep(fidx: NDArray[np.intp], midx: NDArray[np.intp], codes: NDArray[np.intp],
                keep: NDArray[np.bool_], query: int
                ) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp], int]:
    if keep.all():
        return fidx, midx, codes, query
    new_index = np.cumsum(keep) - 1
    kept = np.flatnonzero(keep)
    nf = np.where(fidx[kept] >= 0, new_index[fidx[kept]], -1).astype(np.intp)
    nm = np.where(midx[kept] >= 0, new_index[midx[kept]], -1).astype(np.intp)
    return nf, nm, codes[kept], int(new_index[query]) if query >= 0 else -1


def _working_alphabet(
    codes: NDArray[np.intp], freqs: NDArray[np.float64], mutation: MutationModel | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.intp]]:
    """Lump unobserved alleles into one when that is exact; return matrices and codes."""
    female, male, new_freqs, mapping = _alphabet(codes, freqs, mutation)
    return female, male, new_freqs, _map_codes(codes, mapping)


def _alphabet(
    codes: NDArray[np.intp], freqs: NDArray[np.float64], mutation: MutationModel | None,
    extra: NDArray[np.intp] | None = None, allow_lump: bool = True,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64],
           NDArray[np.intp] | None]:
    """The working alphabet: matrices, frequencies and the map of allele indices into it.

    Alleles in ``codes`` or ``extra`` are kept; the others are lumped into one (last)
    when ``allow_lump`` and the mutation model permit; ``None`` map: nothing lumped.
    """
    n = freqs.size
    observed = np.unique(codes[codes >= 0])
    if extra is not None and extra.size:
        observed = np.union1d(observed, extra)
    trivial = mutation is None or mutation.is_trivial
    if mutation is None:
        female = male = np.eye(n)
    else:
        female, male = mutation.female, mutation.male
    # Unobserved alleles together get 1 − Σ(observed), as pedprobr's lumping does: tables
    # that miss 1 by ~1e-10 then give pedprobr's likelihoods to the last digits.
    lump = max(1.0 - float(freqs[observed].sum()), 0.0)
    can_lump = allow_lump and observed.size < n - 1 and (trivial or (
        mutation is not None and mutation.lumpable(observed)))
    if not can_lump:
        return female, male, freqs, None
    new_freqs = np.concatenate([freqs[observed], [lump]])
    mapping = np.full(n + 1, -1, dtype=np.intp)
    mapping[observed] = np.arange(observed.size)
    if trivial:
        eye = np.eye(observed.size + 1)
        return eye, eye, new_freqs, mapping
    return (lump_matrix(female, observed), lump_matrix(male, observed), new_freqs, mapping)


def typed_persons(genotypes: Mapping[str, Genotype | None]) -> Sequence[str]:
    """Ids with at least one known allele."""
    return [pid for pid, g in genotypes.items() if g is not None and any(a is not None
                                                                          for a in g)]

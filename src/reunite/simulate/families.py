"""Simulated families: genotypes for every person of any pedigree, with mutation.

Model (gene dropping, as forrel ``profileSim`` and Familias' simulation): founders draw two
alleles from the frequency table (Hardy–Weinberg, linkage equilibrium); each non-founder
receives from each parent one of the parent's two alleles with probability 1/2 (Mendel),
and the transmitted allele then mutates according to the parent's sex-specific transition
matrix of :mod:`reunite.stats.mutation` (the father's male matrix, the mother's female
matrix; row = parental allele, column = transmitted allele). Markers are independent.

``n_families`` independent copies of the pedigree are simulated at once (arrays, no
per-person Python work beyond the pedigree order). Deterministic given the seed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reunite.errors import InputError
from reunite.genetics.pedigree import Pedigree
from reunite.simulate.population import (
    AlleleFrequencies,
    SimulatedProfiles,
    draw_alleles,
    marker_alleles,
)
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix

__all__ = ["MutationModels", "SimulatedFamilies", "pedigree_order", "simulate_families"]


@dataclass(frozen=True, eq=False)
class SimulatedFamilies:
    """``n_families`` copies of ``pedigree`` with simulated genotypes.

    ``indices``: int16, shape ``(n_families, n_persons, n_markers, 2)``, allele indices into
    ``alleles[marker]`` (persons in ``pedigree.ids`` order).
    """

    pedigree: Pedigree
    markers: tuple[str, ...]
    alleles: tuple[tuple[str, ...], ...]
    indices: npt.NDArray[np.int16]
    family_ids: tuple[str, ...]

    def person(self, person_id: str) -> SimulatedProfiles:
        """One person of every family, ids ``<family id>:<person id>``."""
        k = self.pedigree.index[person_id]
        return SimulatedProfiles(
            tuple(f"{fam}:{person_id}" for fam in self.family_ids),
            self.markers,
            self.alleles,
            np.ascontiguousarray(self.indices[:, k]),
        )

    def genotype_texts(self, family: int, person_id: str) -> dict[str, tuple[str, str]]:
        """``{marker: (allele, allele)}`` of one person in one family."""
        return self.person(person_id).select([family]).genotype_texts(0)


def pedigree_order(pedigree: Pedigree) -> list[int]:
    """Person indices with every parent before its children."""
    done: set[int] = set()
    order: list[int] = []
    pending = list(range(len(pedigree)))
    while pending:
        rest = []
        for i in pending:
            f, m = pedigree.fidx[i], pedigree.midx[i]
            if (f < 0 or f in done) and (m < 0 or m in done):
                order.append(i)
                done.add(i)
            else:
                rest.append(i)
        if len(rest) == len(pending):  # pragma: no cover - Pedigree already refuses cycles
            raise InputError("pedigree has a cycle", field="pedigree")
        pending = rest
    return order


MutationModels = Callable[[str, Sequence[str], npt.NDArray[np.float64]], MutationModel | None]
"""``models(marker, alleles, frequencies)`` -> the marker's female and male matrices, or None
(e.g. :meth:`reunite.search.settings.SearchSettings.mutation_model`)."""


def _matrices(
    mutation: MutationSpec | Mapping[str, MutationModel] | MutationModels | None,
    markers: Sequence[str],
    texts: Sequence[Sequence[str]],
    probs: Sequence[npt.NDArray[np.float64]],
) -> list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None]:
    out: list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None] = []
    for name, alleles, p in zip(markers, texts, probs, strict=True):
        if mutation is None:
            out.append(None)
            continue
        if isinstance(mutation, MutationSpec):
            mat = mutation_matrix(mutation, alleles, p, marker=name)
            female = male = mat
        else:
            model = (mutation.get(name) if isinstance(mutation, Mapping)
                     else mutation(name, alleles, p))
            if model is None:
                out.append(None)
                continue
            female, male = model.female, model.male
            if female.shape != (len(alleles), len(alleles)):
                raise InputError("mutation matrix does not match the marker's alleles",
                                 marker=name, value=female.shape)
        out.append((np.cumsum(female, axis=1), np.cumsum(male, axis=1)))
    return out


def _mutate(
    rng: np.random.Generator, alleles: npt.NDArray[np.int16], cdf: npt.NDArray[np.float64]
) -> npt.NDArray[np.int16]:
    # Inverse-CDF draw from the row of each parental allele.
    u = rng.random(alleles.shape)
    rows = cdf[alleles.astype(np.int64)]
    drawn = (u[:, None] >= rows[:, :-1]).sum(axis=1)
    return np.asarray(drawn, dtype=np.int16)


def simulate_families(
    pedigree: Pedigree,
    frequencies: AlleleFrequencies,
    *,
    n_families: int = 1,
    markers: Sequence[str] | None = None,
    mutation: MutationSpec | Mapping[str, MutationModel] | MutationModels | None = None,
    seed: int | np.random.Generator | None = 0,
    id_prefix: str = "F",
) -> SimulatedFamilies:
    """Simulate ``n_families`` independent copies of ``pedigree`` (see module docstring).

    ``mutation`` is one :class:`MutationSpec` for every marker (matrices built over the
    table's alleles), a mapping marker -> :class:`MutationModel`, a function building each
    marker's :class:`MutationModel` over the table's alleles (:data:`MutationModels`: a
    search's settings give female and male models this way), or None (no mutation).
    """
    if isinstance(n_families, bool) or not isinstance(n_families, int) or n_families < 0:
        raise InputError("n_families must be a non-negative integer", field="n_families",
                         value=n_families)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    names, texts, probs = marker_alleles(frequencies, markers)
    cdfs = _matrices(mutation, names, texts, probs)
    n_persons = len(pedigree)
    indices = np.empty((n_families, n_persons, len(names), 2), dtype=np.int16)
    order = pedigree_order(pedigree)
    for k, p in enumerate(probs):
        for i in order:
            f, m = pedigree.fidx[i], pedigree.midx[i]
            if f < 0 and m < 0:
                indices[:, i, k, :] = draw_alleles(rng, p, (n_families, 2))
                continue
            for slot, (parent, sex) in enumerate(((f, 1), (m, 0))):
                if parent < 0:  # pragma: no cover - Pedigree requires both parents or none
                    indices[:, i, k, slot] = draw_alleles(rng, p, (n_families,))
                    continue
                pick = rng.integers(0, 2, size=n_families)
                allele = indices[np.arange(n_families), parent, k, pick]
                pair = cdfs[k]
                if pair is not None:
                    allele = _mutate(rng, allele, pair[sex])
                indices[:, i, k, slot] = allele
    width = len(str(max(n_families - 1, 0)))
    family_ids = tuple(f"{id_prefix}{j:0{width}d}" for j in range(n_families))
    return SimulatedFamilies(pedigree, names, tuple(texts), indices, family_ids)

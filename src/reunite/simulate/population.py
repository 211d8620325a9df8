"""Simulated profiles: unrelated individuals drawn from a frequency table, and degradation.

Model: Hardy–Weinberg and linkage equilibrium (each allele drawn independently from the
marker's frequencies, markers independent), as in the standard forensic simulation
studies (e.g. Egeland, Kling & Mostad 2016, ch. 3; forrel ``profileSim``). Everything is
deterministic given the seed: a :class:`numpy.random.Generator` (PCG64) is created from it
and consumed in a fixed order (marker by marker).

Profiles are held as arrays (STYLE rule 3): ``indices`` int16, shape
``(n_profiles, n_markers, 2)``, allele indices into ``alleles[marker]``, ``-1`` = missing.

:func:`simulate_dropout` passes profiles through the drop-out / drop-in model of
:mod:`reunite.stats.dropout` (each allele of a heterozygote lost with d, a homozygote
lost whole with d_hom, then one drop-in allele with probability c drawn from the
frequencies): what a lab sees of degraded remains with a known d.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from reunite.errors import InputError
from reunite.genetics.profile import Genotype, Profile

__all__ = [
    "AlleleFrequencies",
    "ObservedProfiles",
    "SimulatedProfiles",
    "degrade",
    "draw_alleles",
    "marker_alleles",
    "simulate_dropout",
    "simulate_unrelated",
]

IndexArray = npt.NDArray[np.int16]


class AlleleFrequencies(Protocol):
    """What the simulator needs of ``reunite.genetics.FrequencyTable``."""

    @property
    def markers(self) -> tuple[str, ...]: ...

    def alleles(self, marker: str) -> tuple[Any, ...]: ...

    def frequency(self, marker: str, allele: Any) -> float: ...


@dataclass(frozen=True, eq=False)
class SimulatedProfiles:
    """Simulated genotypes as arrays; see the module docstring for the layout."""

    ids: tuple[str, ...]
    markers: tuple[str, ...]
    alleles: tuple[tuple[str, ...], ...]
    indices: IndexArray

    def __post_init__(self) -> None:
        shape = (len(self.ids), len(self.markers), 2)
        if self.indices.shape != shape:
            raise InputError("indices shape does not match ids and markers",
                             field="indices", value=self.indices.shape)

    def __len__(self) -> int:
        return len(self.ids)

    def genotype_texts(self, row: int) -> dict[str, tuple[str, str]]:
        """``{marker: (allele, allele)}`` of one profile (untyped markers left out)."""
        out: dict[str, tuple[str, str]] = {}
        for k, marker in enumerate(self.markers):
            a, b = (int(x) for x in self.indices[row, k])
            if a >= 0 and b >= 0:
                out[marker] = (self.alleles[k][a], self.alleles[k][b])
        return out

    def profile(self, row: int) -> Profile:
        """One profile as a :class:`~reunite.genetics.profile.Profile`."""
        return Profile(
            self.ids[row], {m: Genotype(a, b) for m, (a, b) in self.genotype_texts(row).items()}
        )

    def to_profiles(self) -> list[Profile]:
        """All profiles as :class:`~reunite.genetics.profile.Profile` objects."""
        return [self.profile(i) for i in range(len(self.ids))]

    def select(self, rows: Sequence[int] | npt.NDArray[np.int64]) -> SimulatedProfiles:
        """The profiles at ``rows``, in that order."""
        idx = np.asarray(rows, dtype=np.int64)
        return SimulatedProfiles(
            tuple(self.ids[i] for i in idx), self.markers, self.alleles, self.indices[idx]
        )


def marker_alleles(
    frequencies: AlleleFrequencies, markers: Sequence[str] | None
) -> tuple[tuple[str, ...], list[tuple[str, ...]], list[npt.NDArray[np.float64]]]:
    """Markers, allele texts and normalised frequency vectors used by the simulator."""
    names = tuple(markers) if markers is not None else tuple(frequencies.markers)
    if not names:
        raise InputError("no markers to simulate", field="markers")
    texts: list[tuple[str, ...]] = []
    probs: list[npt.NDArray[np.float64]] = []
    for name in names:
        listed = frequencies.alleles(name)
        texts.append(tuple(getattr(a, "text", str(a)) for a in listed))
        p = np.array([frequencies.frequency(name, a) for a in listed], dtype=np.float64)
        probs.append(p / p.sum())
    return names, texts, probs


def draw_alleles(
    rng: np.random.Generator, p: npt.NDArray[np.float64], size: tuple[int, ...]
) -> npt.NDArray[np.int16]:
    """Independent allele indices with probabilities ``p`` (inverse-CDF sampling)."""
    cdf = np.cumsum(p)
    cdf[-1] = 1.0
    return np.searchsorted(cdf, rng.random(size), side="right").astype(np.int16)


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def simulate_unrelated(
    frequencies: AlleleFrequencies,
    n: int,
    *,
    markers: Sequence[str] | None = None,
    seed: int | np.random.Generator | None = 0,
    id_prefix: str = "U",
) -> SimulatedProfiles:
    """``n`` unrelated people, every marker typed (Hardy–Weinberg, linkage equilibrium)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise InputError("n must be a non-negative integer", field="n", value=n)
    rng = _rng(seed)
    names, texts, probs = marker_alleles(frequencies, markers)
    indices = np.empty((n, len(names), 2), dtype=np.int16)
    for k, p in enumerate(probs):
        indices[:, k, :] = draw_alleles(rng, p, (n, 2))
    width = len(str(max(n - 1, 0)))
    ids = tuple(f"{id_prefix}{i:0{width}d}" for i in range(n))
    return SimulatedProfiles(ids, names, tuple(texts), indices)


def degrade(
    profiles: SimulatedProfiles,
    *,
    drop_probability: float | None = None,
    keep_markers: int | None = None,
    seed: int | np.random.Generator | None = 0,
) -> SimulatedProfiles:
    """Partial profiles: each marker dropped with ``drop_probability`` (independently),
    or only ``keep_markers`` random markers kept per profile (loci dropped, as in degraded
    remains)."""
    if (drop_probability is None) == (keep_markers is None):
        raise InputError("give exactly one of drop_probability and keep_markers",
                         field="drop_probability")
    rng = _rng(seed)
    n, n_markers = len(profiles), len(profiles.markers)
    if drop_probability is not None:
        if not 0.0 <= drop_probability <= 1.0:
            raise InputError("drop_probability must be in [0, 1]", field="drop_probability",
                             value=drop_probability)
        drop = rng.random((n, n_markers)) < drop_probability
    else:
        assert keep_markers is not None
        if not 0 <= keep_markers <= n_markers:
            raise InputError(f"keep_markers must be in [0, {n_markers}]",
                             field="keep_markers", value=keep_markers)
        ranks = np.argsort(rng.random((n, n_markers)), axis=1)
        drop = ranks >= keep_markers
    indices = profiles.indices.copy()
    indices[drop] = -1
    return SimulatedProfiles(profiles.ids, profiles.markers, profiles.alleles, indices)


@dataclass(frozen=True, eq=False)
class ObservedProfiles:
    """Profiles as seen through the drop-out model (see :func:`simulate_dropout`).

    ``observed`` int16 (n_profiles, n_markers, 3): the distinct allele indices seen,
    sorted, ``-1`` padding (all ``-1`` at an analysed marker: nothing seen); ``analysed``
    bool (n_profiles, n_markers): the true genotype was typed there. ``dropout`` and
    ``dropout_homozygous`` float64 (n_profiles,): each profile's d and d_hom.
    """

    truth: SimulatedProfiles
    observed: npt.NDArray[np.int16]
    analysed: npt.NDArray[np.bool_]
    dropout: npt.NDArray[np.float64]
    dropout_homozygous: npt.NDArray[np.float64]
    drop_in: float

    def __len__(self) -> int:
        return len(self.truth)

    def observed_sets(self, row: int) -> dict[str, tuple[str, ...]]:
        """``{marker: alleles seen}`` of one profile (``()``: analysed, nothing seen)."""
        out: dict[str, tuple[str, ...]] = {}
        for k, marker in enumerate(self.truth.markers):
            if self.analysed[row, k]:
                out[marker] = tuple(self.truth.alleles[k][int(a)]
                                    for a in self.observed[row, k] if a >= 0)
        return out


def simulate_dropout(
    profiles: SimulatedProfiles,
    frequencies: AlleleFrequencies,
    dropout: float | Sequence[float],
    *,
    dropout_homozygous: float | Sequence[float] | None = None,
    drop_in: float = 0.0,
    seed: int | np.random.Generator | None = 0,
) -> ObservedProfiles:
    """What a lab would see of ``profiles`` with drop-out ``dropout`` (one d, or one per
    profile), homozygote drop-out ``dropout_homozygous`` (default d²) and drop-in
    ``drop_in`` (an allele drawn from ``frequencies``, the table the profiles came from).
    """
    rng = _rng(seed)
    n, n_markers = len(profiles), len(profiles.markers)
    d = np.broadcast_to(np.asarray(dropout, dtype=np.float64), (n,)).copy()
    h = d * d if dropout_homozygous is None else np.broadcast_to(
        np.asarray(dropout_homozygous, dtype=np.float64), (n,)).copy()
    for name, values in (("dropout", d), ("dropout_homozygous", h)):
        if values.size and not ((values >= 0.0) & (values <= 1.0)).all():
            raise InputError(f"{name} must be in [0, 1]", field=name,
                             value=float(values[~((values >= 0) & (values <= 1))][0]))
    if not 0.0 <= drop_in < 1.0:
        raise InputError("drop_in must be in [0, 1)", field="drop_in", value=drop_in)
    names, texts, probs = marker_alleles(frequencies, profiles.markers)
    if tuple(texts) != profiles.alleles:
        raise InputError("the frequency table's alleles differ from the profiles'",
                         field="frequencies", value=names[0])
    a = profiles.indices[:, :, 0].astype(np.int64)
    b = profiles.indices[:, :, 1].astype(np.int64)
    analysed = (a >= 0) & (b >= 0)
    hom = a == b
    lose_a = rng.random((n, n_markers)) < d[:, None]
    lose_b = rng.random((n, n_markers)) < d[:, None]
    lose_hom = rng.random((n, n_markers)) < h[:, None]
    lose_a = np.where(hom, lose_hom, lose_a)
    lose_b = np.where(hom, lose_hom, lose_b)
    add = rng.random((n, n_markers)) < drop_in
    extra = np.empty((n, n_markers), dtype=np.int64)
    for k, p in enumerate(probs):
        extra[:, k] = draw_alleles(rng, p, (n,))
    cells = np.stack([np.where(lose_a | ~analysed, -1, a),
                      np.where(lose_b | ~analysed | hom, -1, b),
                      np.where(add & analysed, extra, -1)], axis=2)
    # Seen alleles first, distinct (a drop-in allele already seen changes nothing).
    none = np.iinfo(np.int64).max
    cells = np.where(cells < 0, none, cells)
    cells.sort(axis=2)
    repeat = np.zeros(cells.shape, dtype=bool)
    repeat[:, :, 1:] = cells[:, :, 1:] == cells[:, :, :-1]
    cells[repeat] = none
    cells.sort(axis=2)
    observed = np.where(cells == none, -1, cells).astype(np.int16)
    return ObservedProfiles(profiles, observed, analysed, d, h, float(drop_in))

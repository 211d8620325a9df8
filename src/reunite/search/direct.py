"""Direct match: a query profile against the index, exactly or with CODIS-style stringency.

Two searches:

* :func:`exact_match`: profiles whose codes equal the query's at every marker (same typed
  markers, same genotypes): a hash look-up, no scan.
* :func:`direct_match`: a scan with a stringency per marker (as CODIS defines them):

  - ``high``: the two genotypes are identical;
  - ``moderate``: one genotype's alleles are contained in the other's (a degraded or
    partial sample, e.g. ``14`` against ``14,16``), identical included;
  - ``low``: at least one allele shared.

  A marker counts as *shared* when both profiles are typed there. A candidate is reported
  when at least ``min_shared`` markers are shared and at most ``max_mismatch`` of them fail
  the stringency.

Hits are ranked by the likelihood ratio for identity, ``LR = 1 / RMP``, the product over the
shared markers that pass the stringency of the random match probability of the query's
genotype (NRC II 4.1 with θ = 0; the Balding–Nichols formulae, NRC II 4.10, when θ > 0;
the formulae of :mod:`reunite.stats.rmp`); a partial query genotype ``a,?`` counts
``2 p_a`` (NRC II's "2p" rule). θ and the minimum allele count (an allele the table lacks
gets ``min_allele_count / 2N``) come from the search's
:class:`~reunite.search.settings.SearchSettings`.
Mismatching markers are reported by name and contribute nothing to the LR. Markers not on
autosomes (amelogenin, X, Y) never contribute.

Every entry point first asks the search policy (see :mod:`reunite.search.policy`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from reunite.errors import InputError
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.markers import get_marker, is_known_marker
from reunite.provenance import Provenance, make_provenance
from reunite.search._kernels import ScoringBackend, resolve_backend
from reunite.search.matrix import ProfileLike, ProfileMatrix, QueryGenotypes
from reunite.search.policy import SearchPolicy, enforce_policy
from reunite.search.settings import SearchSettings
from reunite.stats.rmp import heterozygote_match_probability, homozygote_match_probability

__all__ = [
    "DirectHit",
    "DirectSearchResult",
    "FrequencySource",
    "Stringency",
    "direct_match",
    "exact_match",
    "stringency_table",
]

# Per-marker match level of a candidate genotype against the query genotype.
_IDENTICAL, _CONTAINED, _SHARES_ONE, _DISJOINT = 0, 1, 2, 3


class Stringency(StrEnum):
    """CODIS match stringency (see the module docstring)."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"

    @property
    def worst_level(self) -> int:
        """The worst per-marker match level that still passes."""
        return {"high": _IDENTICAL, "moderate": _CONTAINED, "low": _SHARES_ONE}[self.value]


class FrequencySource(Protocol):
    """Allele frequencies (``reunite.genetics.FrequencyTable``)."""

    def frequency(self, marker: str, allele: Any) -> float: ...

    def __contains__(self, marker: object) -> bool: ...


@dataclass(frozen=True)
class DirectHit:
    """One indexed profile that matches the query.

    ``log10_lr`` is ``log10(1/RMP)`` over the passing shared markers (None without a
    frequency table); ``mismatching_markers`` names the tolerated mismatches.
    """

    profile_id: str
    shared_markers: int
    mismatches: int
    mismatching_markers: tuple[str, ...]
    log10_lr: float | None

    @property
    def lr(self) -> float | None:
        """The likelihood ratio ``1 / RMP`` (may be ``inf`` beyond float range)."""
        if self.log10_lr is None:
            return None
        return math.inf if self.log10_lr > 308 else 10.0**self.log10_lr

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "profile_id": self.profile_id,
            "shared_markers": self.shared_markers,
            "mismatches": self.mismatches,
            "mismatching_markers": list(self.mismatching_markers),
            "log10_lr": self.log10_lr,
            "lr": self.lr,
        }


@dataclass(frozen=True)
class DirectSearchResult:
    """Ranked hits of one direct search, with the parameters and provenance."""

    hits: tuple[DirectHit, ...]
    stringency: Stringency
    min_shared: int
    max_mismatch: int
    provenance: Provenance

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "hits": [h.to_dict() for h in self.hits],
            "stringency": self.stringency.value,
            "min_shared": self.min_shared,
            "max_mismatch": self.max_mismatch,
            "provenance": self.provenance.to_dict(),
        }


def _is_scored_marker(name: str) -> bool:
    return not is_known_marker(name) or get_marker(name).is_autosomal


def stringency_table(
    matrix: ProfileMatrix, query: QueryGenotypes, stringency: Stringency
) -> npt.NDArray[np.uint8]:
    """The per-marker lookup table of the direct scan kernel, shape ``(L, W)``, uint8.

    Entry ``[m, code]`` has bit 0 set when marker ``m`` is typed in both the query and a
    candidate with genotype ``code``, and bit 1 set when that candidate fails
    ``stringency`` there.
    """
    width = matrix.table_width
    table = np.zeros((matrix.n_markers, width), dtype=np.uint8)
    worst = stringency.worst_level
    for m, q in enumerate(query):
        if q is None:
            continue
        ci, cj = matrix.allele_pairs(m)
        ci, cj = ci[1:], cj[1:]
        qa, qb = q.lo, q.hi
        in_q_i = (ci == qa) | (ci == qb)
        in_q_j = (cj == qa) | (cj == qb)
        q_in_c = ((ci == qa) | (cj == qa)) & ((ci == qb) | (cj == qb))
        level = np.full(ci.shape, _DISJOINT, dtype=np.int64)
        level[in_q_i | in_q_j] = _SHARES_ONE
        level[(in_q_i & in_q_j) | q_in_c] = _CONTAINED
        if not q.partial:
            level[(ci == qa) & (cj == qb)] = _IDENTICAL
        entry = 1 | ((level > worst).astype(np.uint8) << 1)
        table[m, 1 : 1 + entry.size] = entry
    return table


def _query_of(matrix: ProfileMatrix, query: ProfileLike | Mapping[str, Sequence[str]]
              ) -> tuple[QueryGenotypes, Mapping[str, Sequence[str]]]:
    if isinstance(query, Mapping):
        texts = {str(m): tuple(str(a) for a in v) for m, v in query.items()}
        return matrix.encode_query(texts), texts
    texts = {m: tuple(a.text for a in g.alleles) for m, g in query.genotypes.items()}
    return matrix.query_from_profile(query), texts


def _check_int(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise InputError(f"{name} must be an integer >= {minimum}", field=name, value=value)
    return int(value)


def exact_match(
    matrix: ProfileMatrix,
    query: ProfileLike | Mapping[str, Sequence[str]],
    *,
    query_index: str,
    target_index: str,
    policy: SearchPolicy,
    purpose: str = "identification",
) -> tuple[str, ...]:
    """Ids of the indexed profiles identical to ``query`` at every marker of the panel
    (same typed markers, same genotypes), by hash look-up. Sorted by id."""
    enforce_policy(policy, query_index, target_index, purpose=purpose)
    encoded, _ = _query_of(matrix, query)
    row = matrix.query_codes(encoded)
    if row is None:
        return ()
    return tuple(sorted(matrix.ids_of(matrix.exact_rows(row))))


def _log10_rmp_terms(
    matrix: ProfileMatrix,
    texts: Mapping[str, Sequence[str]],
    query: QueryGenotypes,
    frequencies: FrequencySource,
    theta: float,
) -> npt.NDArray[np.float64]:
    """Per marker, ``-log10 RMP`` of the query genotype (0 where not scored)."""
    terms = np.zeros(matrix.n_markers, dtype=np.float64)
    for m, q in enumerate(query):
        name = matrix.markers[m]
        if q is None or not _is_scored_marker(name) or name not in frequencies:
            continue
        alleles = texts[name]
        p = frequencies.frequency(name, alleles[0])
        if q.partial:
            prob = min(1.0, 2.0 * p)
        elif len(alleles) == 1 or alleles[0] == alleles[1]:
            prob = homozygote_match_probability(p, theta=theta)
        else:
            prob = heterozygote_match_probability(
                p, frequencies.frequency(name, alleles[1]), theta=theta
            )
        terms[m] = -math.log10(prob)
    return terms


def direct_match(
    matrix: ProfileMatrix,
    query: ProfileLike | Mapping[str, Sequence[str]],
    *,
    settings: SearchSettings,
    query_index: str,
    target_index: str,
    policy: SearchPolicy,
    purpose: str = "identification",
    stringency: Stringency | str = Stringency.HIGH,
    min_shared: int = 8,
    max_mismatch: int = 0,
    frequencies: FrequencySource | None = None,
    limit: int | None = None,
    exclude_ids: Sequence[str] = (),
    backend: ScoringBackend | str | None = None,
) -> DirectSearchResult:
    """Scan the index for profiles matching ``query`` at ``stringency``.

    ``query`` is a profile object or ``{marker: allele texts}``. Hits are sorted by
    decreasing LR (then more shared markers, fewer mismatches, id); ``limit`` keeps the
    first ones. ``exclude_ids`` drops named profiles (e.g. the query itself).
    """
    enforce_policy(policy, query_index, target_index, purpose=purpose)
    started = time.perf_counter()
    try:
        level = Stringency(stringency)
    except ValueError as exc:
        raise InputError(
            "stringency must be high, moderate or low", field="stringency", value=stringency
        ) from exc
    min_shared = _check_int("min_shared", min_shared, 0)
    max_mismatch = _check_int("max_mismatch", max_mismatch, 0)
    theta = settings.theta
    if isinstance(frequencies, FrequencyTable):
        frequencies = settings.frequency_table(frequencies)
    engine = resolve_backend(backend)
    encoded, texts = _query_of(matrix, query)
    table = stringency_table(matrix, encoded, level)
    rows, shared, mism = engine.direct_scan(
        matrix.codes, matrix.alive, table, max_mismatch, min_shared
    )
    ids = np.array(matrix.ids_of(rows), dtype=object)
    if exclude_ids and ids.size:
        keep = ~np.isin(ids, np.array(list(exclude_ids), dtype=object))
        rows, shared, mism, ids = rows[keep], shared[keep], mism[keep], ids[keep]
    # Per hit and marker: 1 = shared and passing, 3 = shared and mismatching, 0 = not shared.
    entries = table[np.arange(matrix.n_markers)[None, :], matrix.codes[rows]]
    if frequencies is not None:
        terms = _log10_rmp_terms(matrix, texts, encoded, frequencies, theta)
        log10_lr = (entries == 1).astype(np.float64) @ terms
    else:
        log10_lr = np.zeros(rows.size, dtype=np.float64)
    order = np.lexsort((ids.astype(str), mism, -shared, -log10_lr)) if rows.size else rows
    if limit is not None:
        order = order[: _check_int("limit", limit, 0)]
    hits = tuple(
        DirectHit(
            profile_id=str(ids[h]),
            shared_markers=int(shared[h]),
            mismatches=int(mism[h]),
            mismatching_markers=tuple(
                matrix.markers[m] for m in np.flatnonzero(entries[h] == 3)
            ),
            log10_lr=float(log10_lr[h]) if frequencies is not None else None,
        )
        for h in order
    )
    provenance = make_provenance(
        "search.direct",
        {
            "stringency": level.value,
            "min_shared": min_shared,
            "max_mismatch": max_mismatch,
            "settings": settings.to_provenance(),
            "query_index": query_index,
            "target_index": target_index,
            "purpose": purpose,
            "backend": engine.name,
            "indexed_profiles": len(matrix),
        },
        frequency_table=matrix.frequency_table_id,
        frequency_table_hash=getattr(frequencies, "content_hash", None),
        elapsed_seconds=time.perf_counter() - started,
    )
    return DirectSearchResult(hits, level, min_shared, max_mismatch, provenance)

"""reunite.search: the vectorised engine over millions of profiles.

* :class:`ProfileMatrix` (``matrix``/``encode``): the compact index, one genotype code per
  marker (24 bytes per 24-locus profile), incremental add and remove;
* :func:`exact_match` and :func:`direct_match` (``direct``): identity search, CODIS-style
  stringency, ranked by 1/RMP;
* :func:`screen_family` (``screen``): one family pedigree against every profile by
  table look-ups of P(g | family) / P(g), survivors re-scored exactly;
* :func:`blind_search` (``blind``): every profile against every family, streaming top-k,
  resumable;
* :class:`ShardedIndex` (``distributed``): the same searches over a Dask cluster;
* kernels behind :class:`ScoringBackend` (numpy reference, numba), ready for a GPU one.

Every search entry point takes the two index names and a :class:`SearchPolicy` and asks
it first; the search matrix itself lives in ``reunite.governance.policy``.
"""

from reunite.search._kernels import ScoringBackend, available_backends, get_backend
from reunite.search.blind import BlindHit, BlindSearchResult, blind_search
from reunite.search.direct import (
    DirectHit,
    DirectSearchResult,
    Stringency,
    direct_match,
    exact_match,
)
from reunite.search.distributed import ShardedIndex
from reunite.search.matrix import ProfileMatrix
from reunite.search.policy import SearchPolicy
from reunite.search.screen import FamilyCase, ScreenHit, ScreenResult, screen_family

__all__ = [
    "BlindHit",
    "BlindSearchResult",
    "DirectHit",
    "DirectSearchResult",
    "FamilyCase",
    "ProfileMatrix",
    "ScoringBackend",
    "ScreenHit",
    "ScreenResult",
    "SearchPolicy",
    "ShardedIndex",
    "Stringency",
    "available_backends",
    "blind_search",
    "direct_match",
    "exact_match",
    "get_backend",
    "screen_family",
]

"""reunite.search: the vectorised engine over millions of profiles.

* :class:`ProfileMatrix` (``matrix``/``encode``): the compact index, one genotype code per
  marker (24 bytes per 24-locus profile), incremental add and remove;
* :func:`exact_match` and :func:`direct_match` (``direct``): identity search, CODIS-style
  stringency, ranked by 1/RMP;
* :func:`screen_family` (``screen``): one family pedigree against every profile by
  table look-ups of P(g | family) / P(g), survivors re-scored exactly;
* :func:`blind_search_families` (``blind``): every profile against every family,
  streaming top-k, resumable (:func:`blind_search` over ready tables);
* :class:`ShardedIndex` (``distributed``): the same searches over a Dask cluster;
* kernels behind :class:`ScoringBackend` (numpy reference, numba), ready for a GPU one.

Every search entry point takes the two index names and a :class:`SearchPolicy` and asks
it first; the search matrix itself lives in ``reunite.governance.policy``. Every search
takes one :class:`SearchSettings` (``settings``): θ, female and male mutation models,
minimum allele count, LR threshold and k.
"""

from reunite.search._kernels import ScoringBackend, available_backends, get_backend
from reunite.search.blind import BlindHit, BlindSearchResult, blind_search, blind_search_families
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
from reunite.search.settings import SearchSettings

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
    "SearchSettings",
    "ShardedIndex",
    "Stringency",
    "available_backends",
    "blind_search",
    "blind_search_families",
    "direct_match",
    "exact_match",
    "get_backend",
    "screen_family",
]

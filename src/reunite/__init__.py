"""reunite: identify missing and unidentified people by DNA kinship, with consent.

The library API is re-exported here; everything else is an implementation detail of the
subpackages (:mod:`reunite.genetics`, :mod:`reunite.stats`, :mod:`reunite.search`,
:mod:`reunite.io`):

* profiles and markers: :class:`Profile`, :class:`Genotype`, :class:`Allele`,
  :func:`parse_allele`, :class:`Marker`, :func:`get_marker`, :class:`Kit`, :func:`get_kit`;
* pedigrees and hypotheses: :class:`Pedigree`, :class:`Person`, :class:`Hypothesis`;
* frequency tables: :class:`FrequencyTable`, :func:`estimate_frequencies`,
  :func:`read_frequencies`, :func:`write_frequencies`;
* likelihood ratios: :func:`kinship_lr` (:class:`LRResult`, per :class:`KinshipMarker`),
  :func:`missing_person_lr`, :func:`missing_person_genotype_table`, :func:`pairwise_lr`,
  :func:`random_match_probability`, mutation models (:class:`MutationSpec`,
  :func:`mutation_matrix`);
* the index and searches: :class:`ProfileMatrix`, :func:`exact_match`,
  :func:`direct_match`, :func:`screen_family` (:class:`FamilyCase`),
  :func:`blind_search_families` (:func:`blind_search` over ready tables),
  :class:`ShardedIndex`, :class:`SearchPolicy`, :class:`SearchSettings` (the θ, mutation
  models, minimum allele count, LR threshold and k every search takes);
* readers and writers: :func:`read_profiles`, :func:`write_profiles` (:class:`ReadResult`),
  :func:`read_familias`, :func:`read_kinship_cases`;
* results carry a :class:`Provenance`; errors are the :class:`ReuniteError` tree of
  :mod:`reunite.errors`.

Names are imported on first use (PEP 562), so ``import reunite.errors`` does not load the
search engine (numba, Dask); ``from reunite import kinship_lr`` loads what it needs.
"""

import importlib as _importlib
import typing as _typing

from reunite._version import __version__

if _typing.TYPE_CHECKING:
    from reunite.errors import (
        AlleleError,
        CaseError,
        ConfigurationError,
        ConsentError,
        FileFormatError,
        FrequencyTableError,
        InputError,
        MarkerError,
        MutationModelError,
        NotFoundError,
        PedigreeError,
        PermissionDenied,
        PossibleMixtureError,
        Problem,
        ProfileError,
        PurposeNotPermitted,
        ReuniteError,
    )
    from reunite.genetics.alleles import Allele, parse_allele
    from reunite.genetics.frequencies import FrequencyTable, estimate_frequencies
    from reunite.genetics.hypotheses import Hypothesis
    from reunite.genetics.kits import Kit, get_kit
    from reunite.genetics.markers import Marker, get_marker
    from reunite.genetics.pedigree import Pedigree, Person
    from reunite.genetics.profile import Genotype, Profile
    from reunite.io.familias import read_familias
    from reunite.io.formats import read_profiles, write_profiles
    from reunite.io.frequencies import read_frequencies, write_frequencies
    from reunite.io.kinship_case import read_cases as read_kinship_cases
    from reunite.io.result import ReadResult
    from reunite.provenance import Provenance
    from reunite.search.blind import blind_search, blind_search_families
    from reunite.search.direct import direct_match, exact_match
    from reunite.search.distributed import ShardedIndex
    from reunite.search.matrix import ProfileMatrix
    from reunite.search.policy import SearchPolicy
    from reunite.search.screen import FamilyCase, screen_family
    from reunite.search.settings import SearchSettings
    from reunite.stats.ibd import pairwise_lr
    from reunite.stats.likelihood import KinshipMarker
    from reunite.stats.lr import LRResult, kinship_lr
    from reunite.stats.missing_person import missing_person_genotype_table, missing_person_lr
    from reunite.stats.mutation import MutationSpec, mutation_matrix
    from reunite.stats.rmp import random_match_probability

# Public name -> (module, name there). Kept equal to the TYPE_CHECKING imports above by
# tests/test_exported_members.py.
_EXPORTS: dict[str, tuple[str, str]] = {
    **{name: ("reunite.errors", name) for name in (
        "AlleleError", "CaseError", "ConfigurationError", "ConsentError", "FileFormatError",
        "FrequencyTableError", "InputError", "MarkerError", "MutationModelError",
        "NotFoundError", "PedigreeError", "PermissionDenied", "PossibleMixtureError",
        "Problem", "ProfileError", "PurposeNotPermitted", "ReuniteError")},
    "Allele": ("reunite.genetics.alleles", "Allele"),
    "parse_allele": ("reunite.genetics.alleles", "parse_allele"),
    "FrequencyTable": ("reunite.genetics.frequencies", "FrequencyTable"),
    "estimate_frequencies": ("reunite.genetics.frequencies", "estimate_frequencies"),
    "Hypothesis": ("reunite.genetics.hypotheses", "Hypothesis"),
    "Kit": ("reunite.genetics.kits", "Kit"),
    "get_kit": ("reunite.genetics.kits", "get_kit"),
    "Marker": ("reunite.genetics.markers", "Marker"),
    "get_marker": ("reunite.genetics.markers", "get_marker"),
    "Pedigree": ("reunite.genetics.pedigree", "Pedigree"),
    "Person": ("reunite.genetics.pedigree", "Person"),
    "Genotype": ("reunite.genetics.profile", "Genotype"),
    "Profile": ("reunite.genetics.profile", "Profile"),
    "read_familias": ("reunite.io.familias", "read_familias"),
    "read_profiles": ("reunite.io.formats", "read_profiles"),
    "write_profiles": ("reunite.io.formats", "write_profiles"),
    "read_frequencies": ("reunite.io.frequencies", "read_frequencies"),
    "write_frequencies": ("reunite.io.frequencies", "write_frequencies"),
    "read_kinship_cases": ("reunite.io.kinship_case", "read_cases"),
    "ReadResult": ("reunite.io.result", "ReadResult"),
    "Provenance": ("reunite.provenance", "Provenance"),
    "blind_search": ("reunite.search.blind", "blind_search"),
    "blind_search_families": ("reunite.search.blind", "blind_search_families"),
    "direct_match": ("reunite.search.direct", "direct_match"),
    "exact_match": ("reunite.search.direct", "exact_match"),
    "ShardedIndex": ("reunite.search.distributed", "ShardedIndex"),
    "ProfileMatrix": ("reunite.search.matrix", "ProfileMatrix"),
    "SearchPolicy": ("reunite.search.policy", "SearchPolicy"),
    "FamilyCase": ("reunite.search.screen", "FamilyCase"),
    "screen_family": ("reunite.search.screen", "screen_family"),
    "SearchSettings": ("reunite.search.settings", "SearchSettings"),
    "pairwise_lr": ("reunite.stats.ibd", "pairwise_lr"),
    "KinshipMarker": ("reunite.stats.likelihood", "KinshipMarker"),
    "LRResult": ("reunite.stats.lr", "LRResult"),
    "kinship_lr": ("reunite.stats.lr", "kinship_lr"),
    "missing_person_genotype_table": ("reunite.stats.missing_person",
                                      "missing_person_genotype_table"),
    "missing_person_lr": ("reunite.stats.missing_person", "missing_person_lr"),
    "MutationSpec": ("reunite.stats.mutation", "MutationSpec"),
    "mutation_matrix": ("reunite.stats.mutation", "mutation_matrix"),
    "random_match_probability": ("reunite.stats.rmp", "random_match_probability"),
}

__all__ = [
    "Allele",
    "AlleleError",
    "CaseError",
    "ConfigurationError",
    "ConsentError",
    "FamilyCase",
    "FileFormatError",
    "FrequencyTable",
    "FrequencyTableError",
    "Genotype",
    "Hypothesis",
    "InputError",
    "KinshipMarker",
    "Kit",
    "LRResult",
    "Marker",
    "MarkerError",
    "MutationModelError",
    "MutationSpec",
    "NotFoundError",
    "Pedigree",
    "PedigreeError",
    "PermissionDenied",
    "Person",
    "PossibleMixtureError",
    "Problem",
    "Profile",
    "ProfileError",
    "ProfileMatrix",
    "Provenance",
    "PurposeNotPermitted",
    "ReadResult",
    "ReuniteError",
    "SearchPolicy",
    "SearchSettings",
    "ShardedIndex",
    "__version__",
    "blind_search",
    "blind_search_families",
    "direct_match",
    "estimate_frequencies",
    "exact_match",
    "get_kit",
    "get_marker",
    "kinship_lr",
    "missing_person_genotype_table",
    "missing_person_lr",
    "mutation_matrix",
    "pairwise_lr",
    "parse_allele",
    "random_match_probability",
    "read_familias",
    "read_frequencies",
    "read_kinship_cases",
    "read_profiles",
    "screen_family",
    "write_frequencies",
    "write_profiles",
]


def __getattr__(name: str) -> object:
    """Import an exported name on first use (module docstring)."""
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'reunite' has no attribute {name!r}")
    module, attribute = target
    value = getattr(_importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

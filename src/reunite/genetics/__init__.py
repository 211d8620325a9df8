"""Genetics core: alleles, markers and kits, genotypes and profiles, frequency tables.

Pure value types (frozen, hashable); no database, web, CLI or file I/O. Frequency tables
are read by :mod:`reunite.io.frequencies`.
"""

from reunite.genetics.alleles import Allele, AlleleKind, parse_allele
from reunite.genetics.frequencies import (
    DEFAULT_MIN_ALLELE_COUNT,
    FrequencyTable,
    estimate_frequencies,
)
from reunite.genetics.kits import KITS, Kit, get_kit
from reunite.genetics.markers import (
    AMELOGENIN,
    MARKERS,
    ChromosomeType,
    Marker,
    canonical_marker_name,
    get_marker,
    is_known_marker,
)
from reunite.genetics.observation import DropoutModel
from reunite.genetics.profile import Genotype, Profile, YHaplotype

__all__ = [
    "AMELOGENIN",
    "DEFAULT_MIN_ALLELE_COUNT",
    "KITS",
    "MARKERS",
    "Allele",
    "AlleleKind",
    "ChromosomeType",
    "DropoutModel",
    "FrequencyTable",
    "Genotype",
    "Kit",
    "Marker",
    "Profile",
    "YHaplotype",
    "canonical_marker_name",
    "estimate_frequencies",
    "get_kit",
    "get_marker",
    "is_known_marker",
    "parse_allele",
]

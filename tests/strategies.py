"""Shared hypothesis strategies: alleles, genotypes, profiles and frequency tables.

Import from here (``from strategies import alleles``: pytest puts tests/ on sys.path
because tests/conftest.py lives there) so every property test draws from the same space:
repeat numbers 1–60, microvariants .1–.9, off-ladder calls, amelogenin X/Y.
"""

from __future__ import annotations

from hypothesis import strategies as st

from reunite.genetics.alleles import Allele, parse_allele
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.kits import get_kit
from reunite.genetics.profile import Genotype, Profile

__all__ = [
    "allele_texts",
    "alleles",
    "autosomal_markers",
    "frequency_tables",
    "genotypes",
    "numeric_alleles",
    "profiles",
]

autosomal_markers = st.sampled_from(get_kit("CODIS").markers)
"""A CODIS core marker name."""

_repeat_texts = st.integers(min_value=1, max_value=60).map(str)
_microvariant_texts = st.builds(
    lambda whole, part: f"{whole}.{part}",
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=1, max_value=9),
)
_off_ladder_texts = st.one_of(
    st.just("OL"),
    st.integers(min_value=1, max_value=60).map(lambda n: f"<{n}"),
    st.integers(min_value=1, max_value=60).map(lambda n: f">{n}"),
    st.integers(min_value=1, max_value=60).map(lambda n: f"{n}.x"),
)

allele_texts = st.one_of(
    _repeat_texts, _microvariant_texts, _off_ladder_texts, st.sampled_from(["X", "Y"])
)
"""Canonical allele designations of every kind."""

alleles = allele_texts.map(parse_allele)
"""Alleles of every kind."""

numeric_alleles = st.one_of(_repeat_texts, _microvariant_texts).map(parse_allele)
"""Repeat and microvariant alleles (those with a numeric repeat value)."""


@st.composite
def genotypes(draw: st.DrawFn, *, allow_partial: bool = False) -> Genotype:
    """A genotype of numeric alleles; homozygotes appear often."""
    first = draw(numeric_alleles)
    second = draw(st.one_of(st.just(first), numeric_alleles))
    if allow_partial and draw(st.booleans()):
        return Genotype.partial(first)
    return Genotype(first, second)


@st.composite
def profiles(draw: st.DrawFn, *, min_markers: int = 1) -> Profile:
    """A profile typed at a subset of the CODIS core loci."""
    markers = draw(st.lists(autosomal_markers, min_size=min_markers, unique=True))
    sample = draw(st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1,
                          max_size=8))
    return Profile(sample, {m: draw(genotypes()) for m in markers})


@st.composite
def frequency_tables(draw: st.DrawFn) -> FrequencyTable:
    """A table over 1–5 CODIS markers with 1–12 alleles each and arbitrary positive
    weights (so sums are generally not 1 before renormalisation)."""
    markers = draw(st.lists(autosomal_markers, min_size=1, max_size=5, unique=True))
    table: dict[str, dict[Allele, float]] = {}
    for marker in markers:
        keys = draw(st.lists(numeric_alleles, min_size=1, max_size=12, unique=True))
        weights = draw(st.lists(st.floats(min_value=1e-4, max_value=1.0), min_size=len(keys),
                                max_size=len(keys)))
        table[marker] = dict(zip(keys, weights, strict=True))
    sizes = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=5000)))
    return FrequencyTable("hypothesis", table,
                          None if sizes is None else dict.fromkeys(markers, float(sizes)))

"""Hypothesis strategies for lab-file round trips: profiles as labs type them.

Broader than a clean reference profile on purpose: amelogenin, microvariants, off-ladder
calls (``OL``, ``<8``, ``>30``, ``30.x``), homozygotes, partial genotypes, sample ids with
inner spaces and non-ASCII letters.
"""

from __future__ import annotations

from hypothesis import strategies as st

from reunite.genetics.alleles import parse_allele
from reunite.genetics.profile import Genotype, Profile

__all__ = ["CMF_MARKERS", "MARKERS", "genotypes", "profile_lists", "profiles", "sample_ids"]

MARKERS = (
    "CSF1PO", "D1S1656", "D2S441", "D2S1338", "D3S1358", "D5S818", "D7S820", "D8S1179",
    "D10S1248", "D12S391", "D13S317", "D16S539", "D18S51", "D19S433", "D21S11", "D22S1045",
    "FGA", "TH01", "TPOX", "vWA", "SE33", "Penta D", "Penta E", "D6S1043",
)
CMF_MARKERS = tuple(m for m in MARKERS if m != "D6S1043")
"""Markers the CODIS CMF 2017 schema names."""

_repeat = st.integers(min_value=1, max_value=60).map(str)
_micro = st.builds(lambda w, p: f"{w}.{p}", st.integers(1, 60), st.integers(1, 9))
_off_ladder = st.one_of(
    st.just("OL"),
    st.integers(1, 60).map(lambda n: f"<{n}"),
    st.integers(1, 60).map(lambda n: f">{n}"),
    st.integers(1, 60).map(lambda n: f"{n}.x"),
)
str_alleles = st.one_of(_repeat, _repeat, _micro, _off_ladder).map(parse_allele)

sample_ids = st.from_regex(r"[A-Za-z0-9ÆØÅæøå_\-]([A-Za-z0-9ÆØÅæøå_\- .]{0,14}[A-Za-z0-9_])?",
                           fullmatch=True)
"""Ids as labs write them: letters, digits, ``_ - .`` and inner spaces; no padding."""


@st.composite
def genotypes(draw: st.DrawFn, *, amelogenin: bool = False, allow_partial: bool = True
              ) -> Genotype:
    """A genotype (often homozygous; partial when allowed)."""
    pool = st.sampled_from(["X", "Y"]).map(parse_allele) if amelogenin else str_alleles
    first = draw(pool)
    if allow_partial and draw(st.integers(0, 9)) == 0:
        return Genotype.partial(first)
    second = draw(st.one_of(st.just(first), pool))
    return Genotype(first, second)


@st.composite
def profiles(draw: st.DrawFn, *, markers: tuple[str, ...] = MARKERS, amelogenin: bool = True,
             allow_partial: bool = True, ids: st.SearchStrategy[str] = sample_ids) -> Profile:
    """A profile typed at 1+ markers, with amelogenin sometimes."""
    chosen = draw(st.lists(st.sampled_from(markers), min_size=1, max_size=8, unique=True))
    typed = {m: draw(genotypes(allow_partial=allow_partial)) for m in chosen}
    if amelogenin and draw(st.booleans()):
        typed["AMEL"] = draw(genotypes(amelogenin=True, allow_partial=allow_partial))
    return Profile(draw(ids), typed)


def profile_lists(**kwargs: object) -> st.SearchStrategy[list[Profile]]:
    """1–6 profiles with distinct ids."""
    return st.lists(profiles(**kwargs), min_size=1, max_size=6,  # type: ignore[arg-type]
                    unique_by=lambda p: p.id)

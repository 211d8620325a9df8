"""Lineage-marker values: Y-STR mutation rates and mtDNA haplotypes (EMPOP notation).

Y-STR haplotypes themselves are :class:`reunite.genetics.profile.YHaplotype`; this module
adds what lineage statistics need beside them.

* :class:`YMutationRate` and :data:`YHRD_MUTATION_RATES` — per-locus Y-STR mutation counts
  (mutations observed in father–son meioses) from YHRD, as collected in the ``malan`` R
  package (M. M. Andersen; ``ystr_markers``). The rate is mutations / meioses.
* mtDNA: :class:`MtVariant` (one difference to the revised Cambridge Reference Sequence,
  rCRS, NC_012920.1), :class:`MtRange` (the typed region), :class:`MtHaplotype` (the
  variants of one person over a typed range). EMPOP notation (Parson & Dür 2007,
  *FSI Genetics* 1:88–92):

  ===========  ==========================================================================
  ``16519C``   substitution: base C at position 16519
  ``309.1C``   insertion: the first base inserted after 309 is C (``309.2C`` the second)
  ``523DEL``   deletion of position 523 (also written ``523del``, ``523D`` or ``523-``)
  ``16093Y``   point heteroplasmy as an IUPAC code (Y = C/T, R = A/G, …; a lone ``D``
               after a position is read as a deletion, as EMPOP writes it, never as the
               three-base IUPAC code)
  ===========  ==========================================================================

  A range is written ``16024-16569 1-576``; ``16024-576`` wraps round the origin of the
  circular genome (16024–16569 and 1–576).

All values are frozen; parsers collect problems and raise one typed error naming the
sample, field and value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from reunite.errors import InputError, Problem, ProfileError

__all__ = [
    "IUPAC_BASES",
    "MT_GENOME_LENGTH",
    "YHRD_MUTATION_RATES",
    "MtHaplotype",
    "MtRange",
    "MtSnvTable",
    "MtVariant",
    "YMutationRate",
    "parse_mt_range",
    "parse_mt_variant",
]


@dataclass(frozen=True, slots=True)
class YMutationRate:
    """Mutations seen in ``meioses`` father–son transmissions at one Y locus (per copy)."""

    marker: str
    mutations: int
    meioses: int

    def __post_init__(self) -> None:
        if self.meioses <= 0 or not 0 <= self.mutations <= self.meioses:
            raise InputError("a mutation count needs 0 <= mutations <= meioses, meioses > 0",
                             marker=self.marker, value=(self.mutations, self.meioses))

    @property
    def rate(self) -> float:
        """The per-meiosis mutation probability, mutations / meioses."""
        return self.mutations / self.meioses


# YHRD father–son mutation counts (mutations, meioses) per locus, as published in the
# malan R package's `ystr_markers` table (commit 7c58e462; the shared copy is
# ../shared/data/y-str/malan_ystr_markers.csv, and a test checks these agree with it).
# DYS385 a/b and DYF387S1 a/b are counted per copy there, with the same numbers for a
# and b; here each is one two-copy marker with that per-copy count.
_YHRD_COUNTS: tuple[tuple[str, int, int], ...] = (
    ("DYS438", 4, 10673), ("DYS392", 8, 15418), ("DYS393", 15, 14264),
    ("DYS437", 13, 10652), ("DYS385", 32, 26171), ("DYS643", 3, 2220),
    ("DYS448", 11, 7229), ("DYS390", 33, 15612), ("DYS19", 36, 16090),
    ("DYS391", 38, 15486), ("DYS389I", 42, 14339), ("YGATAH4", 25, 8260),
    ("DYS533", 8, 2177), ("DYS549", 8, 2131), ("DYS389II", 59, 14310),
    ("DYS456", 31, 7229), ("DYS635", 35, 8076), ("DYS481", 11, 2191),
    ("DYS439", 58, 10647), ("DYS460", 10, 1717), ("DYS458", 46, 7228),
    ("DYF387S1", 14, 1804), ("DYS449", 19, 1617), ("DYS627", 21, 1766),
    ("DYS570", 25, 1873), ("DYS576", 32, 2174), ("DYS518", 28, 1556),
)

YHRD_MUTATION_RATES: Mapping[str, YMutationRate] = MappingProxyType(
    {m: YMutationRate(m, mutations, meioses) for m, mutations, meioses in _YHRD_COUNTS})
"""YHRD Y-STR mutation counts by canonical marker (27 markers, Yfiler Plus and PowerPlex
Y23 together)."""


# ---------------------------------------------------------------------------------------
# mtDNA

MT_GENOME_LENGTH = 16569
"""Length of the rCRS (NC_012920.1) in bases; positions run 1..16569."""

IUPAC_BASES: Mapping[str, frozenset[str]] = MappingProxyType({
    "A": frozenset("A"), "C": frozenset("C"), "G": frozenset("G"), "T": frozenset("T"),
    "R": frozenset("AG"), "Y": frozenset("CT"), "S": frozenset("CG"), "W": frozenset("AT"),
    "K": frozenset("GT"), "M": frozenset("AC"), "B": frozenset("CGT"),
    "H": frozenset("ACT"), "V": frozenset("ACG"), "N": frozenset("ACGT"),
    "-": frozenset("-"),
})
"""The bases an IUPAC code stands for; ``-`` is a deletion (no base)."""

_VARIANT = re.compile(
    r"(?P<pos>\d+)(?:\.(?P<ins>\d+))?(?P<base>DEL|D|-|[ACGTRYSWKMBHVN])", re.IGNORECASE)
_INTERVAL = re.compile(r"(?P<start>\d+)\s*-\s*(?P<end>\d+)")


@dataclass(frozen=True, slots=True, order=True)
class MtVariant:
    """One difference to the rCRS: ``position`` (1..16569), ``insertion`` (0 for the base
    at that position, k for the k-th base inserted after it) and ``base`` (A/C/G/T, an
    IUPAC heteroplasmy code, or ``-`` for a deletion)."""

    position: int
    insertion: int
    base: str

    def __post_init__(self) -> None:
        if not 1 <= self.position <= MT_GENOME_LENGTH:
            raise InputError(f"mtDNA position outside 1..{MT_GENOME_LENGTH}",
                             value=self.position)
        if self.insertion < 0:
            raise InputError("an insertion index must be 1 or more", value=self.insertion)
        if self.base not in IUPAC_BASES:
            raise InputError("not a base, IUPAC code or deletion", value=self.base)
        if self.base == "-" and self.insertion:
            raise InputError("an inserted base cannot be a deletion", value=str(self))

    @property
    def site(self) -> tuple[int, int]:
        """``(position, insertion)``: where the variant sits."""
        return (self.position, self.insertion)

    @property
    def bases(self) -> frozenset[str]:
        """The bases this call allows (two or more for a heteroplasmy)."""
        return IUPAC_BASES[self.base]

    @property
    def is_heteroplasmy(self) -> bool:
        """True for an IUPAC code standing for two or more bases."""
        return len(self.bases) > 1

    @property
    def is_deletion(self) -> bool:
        """True for a deleted position."""
        return self.base == "-"

    @property
    def is_insertion(self) -> bool:
        """True for an inserted base (``309.1C``)."""
        return self.insertion > 0

    def __str__(self) -> str:
        where = f"{self.position}.{self.insertion}" if self.insertion else str(self.position)
        return f"{where}{'DEL' if self.base == '-' else self.base}"


def parse_mt_variant(text: str) -> MtVariant:
    """An :class:`MtVariant` from EMPOP notation (``16519C``, ``309.1C``, ``523DEL``, ``16093Y``).

    Raises :class:`~reunite.errors.InputError` naming the text when it is not one.
    """
    if not isinstance(text, str):
        raise InputError("an mtDNA variant must be text such as '16519C'", value=text)
    match = _VARIANT.fullmatch(text.strip())
    if match is None:
        raise InputError("not an mtDNA variant in EMPOP notation (e.g. 16519C, 309.1C, "
                         "523DEL, 16093Y)", value=text)
    base = match["base"].upper()
    if base in {"DEL", "D", "-"}:
        base = "-"
    try:
        return MtVariant(int(match["pos"]), int(match["ins"] or 0), base)
    except InputError as exc:
        raise InputError(exc.message, value=text) from exc


@dataclass(frozen=True, slots=True)
class MtRange:
    """A typed region of the mtDNA genome: sorted, non-overlapping 1-based closed intervals."""

    intervals: tuple[tuple[int, int], ...]

    def __post_init__(self) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(self.intervals):
            if not 1 <= start <= end <= MT_GENOME_LENGTH:
                raise InputError(f"an mtDNA range must lie in 1..{MT_GENOME_LENGTH} with "
                                 "start <= end", value=f"{start}-{end}")
            if merged and start <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        object.__setattr__(self, "intervals", tuple(merged))

    @classmethod
    def whole_genome(cls) -> MtRange:
        """1–16569."""
        return cls(((1, MT_GENOME_LENGTH),))

    def __contains__(self, position: object) -> bool:
        return isinstance(position, int) and any(
            a <= position <= b for a, b in self.intervals)

    def __len__(self) -> int:
        return sum(b - a + 1 for a, b in self.intervals)

    def __iter__(self) -> Iterator[int]:
        for a, b in self.intervals:
            yield from range(a, b + 1)

    def intersection(self, other: MtRange) -> MtRange:
        """The positions both ranges cover."""
        out: list[tuple[int, int]] = []
        for a, b in self.intervals:
            for c, d in other.intervals:
                lo, hi = max(a, c), min(b, d)
                if lo <= hi:
                    out.append((lo, hi))
        return MtRange(tuple(out))

    def covers(self, other: MtRange) -> bool:
        """True when every position of ``other`` is in this range."""
        return len(self.intersection(other)) == len(other)

    def __str__(self) -> str:
        return " ".join(f"{a}-{b}" for a, b in self.intervals)


def parse_mt_range(text: str) -> MtRange:
    """An :class:`MtRange` from ``"16024-16569 1-576"`` (spaces, commas or ``;`` between
    intervals); ``a-b`` with a > b wraps round the origin (``16024-576``)."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("an mtDNA range must be text such as '16024-16569 1-576'",
                         value=text)
    intervals: list[tuple[int, int]] = []
    for part in re.split(r"[\s,;]+", text.strip()):
        match = _INTERVAL.fullmatch(part)
        if match is None:
            if part.isdigit():
                intervals.append((int(part), int(part)))
                continue
            raise InputError("not an mtDNA range interval (e.g. 16024-16569)", value=part)
        start, end = int(match["start"]), int(match["end"])
        if start > end:  # wraps round the origin of the circular genome
            intervals += [(start, MT_GENOME_LENGTH), (1, end)]
        else:
            intervals.append((start, end))
    try:
        return MtRange(tuple(intervals))
    except InputError as exc:
        raise InputError(exc.message, value=text) from exc


@dataclass(frozen=True, slots=True)
class MtHaplotype:
    """One person's mtDNA: ``variants`` to the rCRS over the typed ``range``.

    Positions in ``range`` without a variant carry the rCRS base. ``variants`` is stored
    sorted by site; a site may appear once. Variants outside the range are an error (a
    lab would not report what it did not type). An optional ``haplogroup`` (e.g. the
    top-level haplogroup ``H``) is carried for frequency tables that are stratified by it.
    """

    id: str
    variants: tuple[MtVariant, ...]
    range: MtRange = field(default_factory=MtRange.whole_genome)
    haplogroup: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise ProfileError("an mtDNA haplotype needs a non-empty id", value=self.id)
        ordered = tuple(sorted(self.variants))
        sites = [v.site for v in ordered]
        if len(set(sites)) != len(sites):
            twice = next(v for i, v in enumerate(ordered[1:]) if v.site == ordered[i].site)
            raise ProfileError("an mtDNA site given twice", sample=self.id, value=str(twice))
        outside = [str(v) for v in ordered if v.position not in self.range]
        if outside:
            raise ProfileError(f"variant(s) outside the typed range {self.range}",
                               sample=self.id, value=" ".join(outside))
        object.__setattr__(self, "variants", ordered)

    @property
    def by_site(self) -> Mapping[tuple[int, int], MtVariant]:
        """The variants keyed by ``(position, insertion)``."""
        return {v.site: v for v in self.variants}

    def restricted_to(self, region: MtRange) -> MtHaplotype:
        """The haplotype over ``region`` ∩ its own range (variants outside dropped)."""
        shared = self.range.intersection(region)
        return MtHaplotype(self.id, tuple(v for v in self.variants if v.position in shared),
                           shared, self.haplogroup)

    def __str__(self) -> str:
        return " ".join(str(v) for v in self.variants) or "rCRS"

    @classmethod
    def from_text(
        cls,
        id: str,
        variants: str | Iterable[str],
        *,
        range: str | MtRange | None = None,
        haplogroup: str | None = None,
    ) -> MtHaplotype:
        """Build from EMPOP text: ``"263G 309.1C 315.1C 16519C"`` (or a list of variants).

        ``"rCRS"`` or an empty text is the reference sequence itself. Every bad variant
        is collected; one error lists them all (sample, value).
        """
        texts: list[str]
        if isinstance(variants, str):
            texts = [] if variants.strip().upper() in {"", "RCRS"} else [
                t for t in re.split(r"[\s,;]+", variants.strip()) if t]
        else:
            texts = [str(t) for t in variants]
        region = (MtRange.whole_genome() if range is None
                  else range if isinstance(range, MtRange) else parse_mt_range(range))
        parsed: list[MtVariant] = []
        problems: list[InputError] = []
        for text in texts:
            try:
                parsed.append(parse_mt_variant(text))
            except InputError as exc:
                problems.append(exc)
        if len(problems) == 1:
            raise ProfileError(problems[0].message, sample=id, value=problems[0].value)
        if problems:
            raise ProfileError(f"{len(problems)} bad mtDNA variants", sample=id,
                               problems=[Problem(p.message, sample=id, value=p.value)
                                         for p in problems])
        return cls(id, tuple(parsed), region, haplogroup)


@dataclass(frozen=True)
class MtSnvTable:
    """Single-nucleotide base counts by top-level haplogroup (the MitoFREQ resource).

    ``counts[(tlhg, position)]`` maps a base to the number of people of that haplogroup
    carrying it; ``totals[(tlhg, position)]`` is the number of people of that haplogroup
    with a call at the position (it varies by position); ``reference[position]`` is the
    rCRS base; ``haplogroup_sizes`` the number of people per haplogroup used to weight a
    haplogroup (MitoFREQ: Andersen et al. 2026, arXiv:2601.10464). ``name`` and ``sha256``
    identify the files it came from.
    """

    name: str
    sha256: str
    counts: Mapping[tuple[str, int], Mapping[str, int]]
    totals: Mapping[tuple[str, int], int]
    reference: Mapping[int, str]
    haplogroup_sizes: Mapping[str, float]

    @property
    def haplogroups(self) -> tuple[str, ...]:
        """The top-level haplogroups with a size."""
        return tuple(self.haplogroup_sizes)

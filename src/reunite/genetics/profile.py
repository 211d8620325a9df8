"""Genotypes, STR profiles and Y haplotypes: immutable values keyed by canonical marker.

* :class:`Genotype` — an unordered pair of alleles at one marker, stored sorted; a
  homozygote holds the same allele twice; a *partial* genotype holds one known allele and
  an unknown partner (e.g. after allelic drop-out).
* :class:`Profile` — one person's genotypes by marker; an untyped marker is simply absent.
  Sex is read from amelogenin (XX female, XY male).
* :class:`YHaplotype` — one allele per Y locus (paternally inherited as a block), with
  multi-copy loci (DYS385 a/b, DYF387S1 a/b) kept as a sorted tuple of alleles; a *null*
  allele (typed, no product) is the empty tuple and a *duplication* (more alleles than the
  locus has copies, e.g. DYS19 14,15) is kept as typed.

Builders (``from_mapping``) canonicalise marker names, collect every problem and raise one
typed error naming the sample, marker and value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from reunite.errors import AlleleError, InputError, MarkerError, Problem, ProfileError
from reunite.genetics.alleles import Allele, AlleleKind, parse_allele
from reunite.genetics.markers import (
    AMELOGENIN,
    MARKERS,
    ChromosomeType,
    canonical_marker_name,
)

__all__ = ["MAX_EXTRA_Y_COPIES", "AlleleInput", "Genotype", "Profile", "Sex", "YHaplotype"]

AlleleInput = Allele | str | int | float
"""What the builders accept as one allele."""

Sex = Literal["male", "female"]

# Cells that mean "this allele was not seen" in a partial genotype.
_UNKNOWN_ALLELE = frozenset({"?", "F", "Q"})

# Profile._hash before the first hash() call; hash() never returns -1 (CPython maps it
# to -2), so the sentinel cannot collide with a real hash.
_NOT_HASHED = -1


def _allele(value: AlleleInput) -> Allele:
    return value if isinstance(value, Allele) else parse_allele(value)


@dataclass(frozen=True, slots=True, init=False)
class Genotype:
    """The alleles one person carries at one marker (order does not matter).

    ``Genotype("15", "14")`` equals ``Genotype(14, 15)``; ``alleles`` is sorted.
    ``Genotype.partial(a)`` is a genotype with one known allele ``a`` and one unknown.
    The hash is computed once, at construction: a profile set or index hashes the same
    few hundred genotypes millions of times.
    """

    alleles: tuple[Allele, ...]
    _hash: int = field(init=False, repr=False, compare=False)

    def __init__(self, first: AlleleInput, second: AlleleInput) -> None:
        pair = tuple(sorted((_allele(first), _allele(second))))
        object.__setattr__(self, "alleles", pair)
        object.__setattr__(self, "_hash", hash((pair,)))

    @classmethod
    def partial(cls, allele: AlleleInput) -> Genotype:
        """A genotype of which only ``allele`` is known (its partner dropped out)."""
        genotype = cls.__new__(cls)
        alleles = (_allele(allele),)
        object.__setattr__(genotype, "alleles", alleles)
        object.__setattr__(genotype, "_hash", hash((alleles,)))
        return genotype

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[Callable[..., Genotype], tuple[Allele, ...]]:
        # Rebuild through the constructors: str hashes differ between processes (hash
        # randomisation), so a cached hash must never travel in a pickle (Dask, copy).
        if len(self.alleles) == 1:
            return (Genotype.partial, self.alleles)
        return (Genotype, self.alleles)

    @classmethod
    def homozygote(cls, allele: AlleleInput) -> Genotype:
        """The genotype carrying ``allele`` twice."""
        return cls(allele, allele)

    @property
    def is_partial(self) -> bool:
        """True when only one allele is known."""
        return len(self.alleles) == 1

    @property
    def is_homozygous(self) -> bool:
        """True for a complete genotype with two copies of one allele."""
        return len(self.alleles) == 2 and self.alleles[0] == self.alleles[1]

    @property
    def is_heterozygous(self) -> bool:
        """True for a complete genotype with two different alleles."""
        return len(self.alleles) == 2 and self.alleles[0] != self.alleles[1]

    def __iter__(self) -> Iterator[Allele]:
        return iter(self.alleles)

    def __str__(self) -> str:
        if self.is_partial:
            return f"{self.alleles[0]},?"
        return ",".join(a.text for a in self.alleles)


def _allele_cells(value: object) -> list[object]:
    """Split one marker's raw value into allele cells ("14,15", ["14", "15"], 14)."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        for separator in (",", "/", ";"):
            if separator in text:
                return [cell.strip() for cell in text.split(separator)]
        return [text]
    if isinstance(value, Genotype):
        return list(value.alleles) if not value.is_partial else [value.alleles[0], None]
    if isinstance(value, Sequence):
        return list(value)
    return [value]


MAX_EXTRA_Y_COPIES = 2
"""Alleles a Y locus may carry beyond its copies when duplications are allowed: DYS385
and DYF387S1 are seen with 3 and 4 alleles, single-copy loci with 2 (South Australian
Yfiler Plus data); more than that is read as a mixture, not a duplication."""

# Cells that mean a null allele at a Y locus (typed, no amplification product).
_NULL_ALLELE = frozenset({"0", "NULL"})


def _is_null(cell: object) -> bool:
    return (isinstance(cell, str) and cell.strip().upper() in _NULL_ALLELE) or (
        isinstance(cell, int | float) and not isinstance(cell, bool) and cell == 0)


def _copies(marker: str) -> int:
    # Unknown Y markers are allowed two copies, as the builder allows them.
    known = MARKERS.get(marker)
    return known.copies if known is not None else 2


def _is_unknown(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip().upper() in _UNKNOWN_ALLELE)


def _genotype_from_cells(
    cells: list[object], *, sample: str, marker: str
) -> Genotype | None:
    """One genotype from 0–2 cells; a single known allele is read as a homozygote."""
    known = [c for c in cells if not _is_unknown(c)]
    if len(cells) > 2 or len(known) > 2:
        raise ProfileError(
            f"{len(cells)} alleles at one marker: more than one person can carry "
            "(possible mixture)",
            sample=sample, marker=marker, value=cells,
        )
    alleles: list[Allele] = []
    for cell in known:
        if not isinstance(cell, Allele | str | int | float):
            raise AlleleError("not an allele designation", sample=sample, marker=marker,
                              value=cell)
        try:
            allele = _allele(cell)
        except AlleleError as exc:
            raise AlleleError(exc.message, sample=sample, marker=marker, value=cell) from exc
        _check_amelogenin(allele, cell, sample=sample, marker=marker)
        alleles.append(allele)
    if not alleles:
        return None
    if len(alleles) == 2:
        return Genotype(alleles[0], alleles[1])
    if len(cells) == 2:  # one of two cells unknown: a partial genotype
        return Genotype.partial(alleles[0])
    # A single allele listed alone is a homozygote, as GeneMapper-style exports write it.
    return Genotype.homozygote(alleles[0])


def _check_amelogenin(allele: Allele, cell: object, *, sample: str, marker: str) -> None:
    """X/Y only at amelogenin, and only X/Y there (``cell`` is the value as written)."""
    is_amel = marker == AMELOGENIN
    if is_amel != (allele.kind is AlleleKind.AMELOGENIN):
        expected = "X or Y" if is_amel else "a repeat number"
        raise AlleleError(f"allele {allele.text!r} at {marker}: expected {expected}",
                          sample=sample, marker=marker, value=cell)


def _canonical_genotypes(
    genotypes: Mapping[str, Genotype], *, sample: str
) -> Mapping[str, Genotype]:
    result: dict[str, Genotype] = {}
    for raw, genotype in genotypes.items():
        name = canonical_marker_name(raw, allow_unknown=True)
        if not isinstance(genotype, Genotype):
            raise ProfileError("a genotype must be a Genotype", sample=sample, marker=name,
                               value=genotype)
        if name in result:
            raise ProfileError("marker given twice (under two spellings)", sample=sample,
                               marker=name, value=raw)
        result[name] = genotype
    return MappingProxyType(result)


@dataclass(frozen=True, slots=True)
class Profile:
    """One person's STR profile: ``id`` and ``genotypes`` by canonical marker name.

    ``genotypes`` becomes a read-only mapping; an untyped marker is absent (``genotype``
    returns ``None``). Equality and hashing use the id and the genotypes, not their order;
    the hash is computed on first use and kept.
    """

    id: str
    genotypes: Mapping[str, Genotype]
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise ProfileError("a profile needs a non-empty id", value=self.id)
        canonical = _canonical_genotypes(self.genotypes, sample=self.id)
        object.__setattr__(self, "genotypes", canonical)
        object.__setattr__(self, "_hash", _NOT_HASHED)

    @classmethod
    def _from_canonical(cls, id: str, genotypes: dict[str, Genotype]) -> Profile:
        """The profile ``Profile(id, genotypes)`` without its checks, for readers.

        Only for input that already passed them: ``id`` a str with a non-blank character;
        ``genotypes`` keyed by names that :func:`canonical_marker_name` returns unchanged
        (with ``allow_unknown=True``), each value a :class:`Genotype`. The dict is taken
        over, not copied: the caller must not change it afterwards. Lab readers build
        hundreds of thousands of profiles whose every name and call they have checked
        already; re-checking them was a third of an import's time.
        """
        profile = object.__new__(cls)
        object.__setattr__(profile, "id", id)
        object.__setattr__(profile, "genotypes", MappingProxyType(genotypes))
        object.__setattr__(profile, "_hash", _NOT_HASHED)
        return profile

    def __hash__(self) -> int:
        value = self._hash
        if value == _NOT_HASHED:
            value = hash((self.id, frozenset(self.genotypes.items())))
            object.__setattr__(self, "_hash", value)
        return value

    def __reduce__(self) -> tuple[type[Profile], tuple[str, dict[str, Genotype]]]:
        # A read-only mapping cannot be pickled; rebuild from a plain dict (Dask, copy).
        return (Profile, (self.id, dict(self.genotypes)))

    @property
    def markers(self) -> tuple[str, ...]:
        """The typed markers, in the order given."""
        return tuple(self.genotypes)

    def genotype(self, marker: str) -> Genotype | None:
        """The genotype at ``marker`` (any alias), or ``None`` if it was not typed."""
        name = canonical_marker_name(marker, allow_unknown=True)
        return self.genotypes.get(name)

    @property
    def sex(self) -> Sex | None:
        """Sex from amelogenin: XX → female, any Y → male, untyped or X-only partial → None."""
        amel = self.genotypes.get(AMELOGENIN)
        if amel is None:
            return None
        texts = {a.text for a in amel.alleles}
        if "Y" in texts:
            return "male"
        if amel.is_homozygous and texts == {"X"}:
            return "female"
        return None

    @property
    def is_partial(self) -> bool:
        """True if any typed marker has only one known allele."""
        return any(g.is_partial for g in self.genotypes.values())

    def restricted_to(self, markers: Iterable[str]) -> Profile:
        """The same profile with only ``markers`` (those typed) kept."""
        wanted = {canonical_marker_name(m, allow_unknown=True) for m in markers}
        return Profile(self.id, {m: g for m, g in self.genotypes.items() if m in wanted})

    @classmethod
    def from_mapping(
        cls,
        id: str,
        genotypes: Mapping[str, object],
        *,
        allow_unknown_markers: bool = False,
    ) -> Profile:
        """Build a profile from raw values: ``{"D3S1358": ["14", "15"], "vWA": "16,17"}``.

        Each value is a sequence of 0–2 alleles or a string ``"14,15"`` / ``"14/15"``;
        empty or ``None`` means untyped. One allele alone is read as a homozygote (as lab
        exports write one); ``["14", None]`` (or ``"?"``) is a partial genotype. Every
        problem is collected; one raises its own typed error (AlleleError, MarkerError,
        ProfileError), several raise one ProfileError listing them all. More than two
        alleles is a ProfileError naming a possible mixture.
        """
        problems: list[tuple[InputError, Problem]] = []
        result: dict[str, Genotype] = {}
        seen: dict[str, str] = {}
        for raw_marker, raw_value in genotypes.items():
            try:
                name = canonical_marker_name(raw_marker, allow_unknown=allow_unknown_markers)
                if name in seen:
                    raise ProfileError(
                        f"marker given twice (as {seen[name]!r} and {raw_marker!r})",
                        sample=id, marker=name, value=raw_marker,
                    )
                seen[name] = str(raw_marker)
                genotype = _genotype_from_cells(
                    _allele_cells(raw_value), sample=id, marker=name
                )
            except InputError as exc:
                marker = exc.context.get("marker", raw_marker)
                problems.append((exc, Problem(exc.message, sample=id, marker=marker,
                                              value=exc.context.get("value"))))
                continue
            if genotype is not None:
                result[name] = genotype
        if len(problems) == 1:
            error, problem = problems[0]
            if isinstance(error, MarkerError):
                raise MarkerError(error.message, sample=id, marker=problem.marker,
                                  value=problem.value) from error
            raise error
        if problems:
            raise ProfileError(
                f"{len(problems)} problems in profile", sample=id,
                problems=[p for _, p in problems],
            )
        return cls(id, result)


@dataclass(frozen=True, slots=True)
class YHaplotype:
    """A Y-STR haplotype: ``alleles`` per Y marker, each a sorted tuple.

    Single-copy loci hold one allele; multi-copy loci (DYS385 a/b, DYF387S1 a/b) hold up
    to ``Marker.copies`` alleles, sorted, so ``DYS385 14,11`` equals ``DYS385 11,14`` (the
    copies are unordered: which copy is "a" is not observable). Intermediate alleles
    (``18.2``) are ordinary :class:`~reunite.genetics.alleles.Allele` values.

    A *null* allele — the locus was typed and gave no product (a primer-site mutation or
    deletion) — is the empty tuple: ``allele(m) == ()`` for a null, ``None`` for untyped.
    A *duplication* (or triplication) holds more alleles than the locus has copies, e.g.
    DYS19 ``14,15`` or DYF387S1 ``35,36,37``; :attr:`duplicated_markers` lists them.
    """

    id: str
    alleles: Mapping[str, tuple[Allele, ...]]
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise ProfileError("a haplotype needs a non-empty id", value=self.id)
        frozen: dict[str, tuple[Allele, ...]] = {}
        for raw, alleles in self.alleles.items():
            name = canonical_marker_name(raw, allow_unknown=True)
            frozen[name] = tuple(sorted(_allele(a) for a in alleles))
        proxy = MappingProxyType(frozen)
        object.__setattr__(self, "alleles", proxy)
        object.__setattr__(self, "_hash", hash((self.id, frozenset(frozen.items()))))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(
        self,
    ) -> tuple[type[YHaplotype], tuple[str, dict[str, tuple[Allele, ...]]]]:
        return (YHaplotype, (self.id, dict(self.alleles)))

    @property
    def markers(self) -> tuple[str, ...]:
        """The typed Y markers (null alleles included), in the order given."""
        return tuple(self.alleles)

    def allele(self, marker: str) -> tuple[Allele, ...] | None:
        """The allele(s) at ``marker``: ``()`` for a null allele, ``None`` if untyped."""
        return self.alleles.get(canonical_marker_name(marker, allow_unknown=True))

    @property
    def null_markers(self) -> tuple[str, ...]:
        """Markers typed with a null allele (no product)."""
        return tuple(m for m, alleles in self.alleles.items() if not alleles)

    @property
    def duplicated_markers(self) -> tuple[str, ...]:
        """Markers carrying more alleles than the locus has copies (duplications)."""
        return tuple(m for m, alleles in self.alleles.items() if len(alleles) > _copies(m))

    def restricted_to(self, markers: Iterable[str]) -> YHaplotype:
        """The same haplotype with only ``markers`` (those typed) kept."""
        wanted = {canonical_marker_name(m, allow_unknown=True) for m in markers}
        return YHaplotype(self.id, {m: a for m, a in self.alleles.items() if m in wanted})

    @classmethod
    def from_mapping(
        cls,
        id: str,
        alleles: Mapping[str, object],
        *,
        allow_unknown_markers: bool = False,
        allow_duplications: bool = False,
    ) -> YHaplotype:
        """Build a haplotype from ``{"DYS19": "14", "DYS385": "11,14", ...}``.

        Markers must be Y markers (unless unknown names are allowed); a single-copy locus
        takes one allele and a multi-copy locus up to its number of copies. ``"0"`` or
        ``"null"`` is a null allele (typed, no product). With ``allow_duplications`` a
        locus may carry up to :data:`MAX_EXTRA_Y_COPIES` alleles more than its copies
        (duplications are real in reference databases); without it, extra alleles are an
        error naming a possible mixture or duplication. Problems are collected and raised
        as one ProfileError (or the single typed error).
        """
        problems: list[tuple[InputError, Problem]] = []
        result: dict[str, tuple[Allele, ...]] = {}
        seen: dict[str, str] = {}
        for raw_marker, raw_value in alleles.items():
            try:
                name = canonical_marker_name(raw_marker, allow_unknown=allow_unknown_markers)
                marker = MARKERS.get(name)
                if marker is not None and marker.chromosome is not ChromosomeType.Y:
                    raise MarkerError("not a Y-chromosome marker", sample=id, marker=name,
                                      value=raw_marker)
                copies = marker.copies if marker is not None else 2
                cells = [c for c in _allele_cells(raw_value) if not _is_unknown(c)]
                if name in seen:
                    # DYS385a and DYS385b in two columns are the two copies of one locus.
                    if copies == 1 or result.get(name) == ():
                        raise ProfileError(
                            f"marker given twice (as {seen[name]!r} and {raw_marker!r})",
                            sample=id, marker=name, value=raw_marker)
                    if not cells:
                        continue
                    cells = [*result.get(name, ()), *cells]
                seen[name] = str(raw_marker)
                if any(_is_null(c) for c in cells):
                    if len(cells) != 1:
                        raise AlleleError("a null allele cannot be listed with other "
                                          "alleles", sample=id, marker=name, value=raw_value)
                    result[name] = ()
                    continue
                limit = copies + MAX_EXTRA_Y_COPIES if allow_duplications else copies
                if len(cells) > limit:
                    hint = ("" if allow_duplications
                            else "; allow duplications to read a duplicated locus")
                    raise ProfileError(
                        f"{len(cells)} alleles at a {copies}-copy Y locus "
                        f"(possible mixture or duplication{hint})",
                        sample=id, marker=name, value=raw_value,
                    )
                parsed: list[Allele] = []
                for cell in cells:
                    if not isinstance(cell, Allele | str | int | float):
                        raise AlleleError("not an allele designation", sample=id,
                                          marker=name, value=cell)
                    try:
                        allele = _allele(cell)
                    except AlleleError as exc:
                        raise AlleleError(exc.message, sample=id, marker=name,
                                          value=cell) from exc
                    if allele.kind is AlleleKind.AMELOGENIN:
                        raise AlleleError(f"allele {allele.text!r} at {name}: expected a "
                                          "repeat number", sample=id, marker=name,
                                          value=cell)
                    parsed.append(allele)
            except InputError as exc:
                problems.append((exc, Problem(exc.message, sample=id,
                                              marker=exc.context.get("marker", raw_marker),
                                              value=exc.context.get("value"))))
                continue
            if parsed:
                result[name] = tuple(parsed)
        if len(problems) == 1:
            error, problem = problems[0]
            if isinstance(error, MarkerError) and error.context.get("sample") is None:
                raise MarkerError(error.message, sample=id, marker=problem.marker,
                                  value=problem.value) from error
            raise error
        if problems:
            raise ProfileError(f"{len(problems)} problems in haplotype", sample=id,
                               problems=[p for _, p in problems])
        return cls(id, result)

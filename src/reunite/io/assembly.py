"""From allele calls read in a file to profiles, checking each call where it was read.

Every format ends the same way: a sample id, a marker name as the lab wrote it, and 0–n
allele cells, at a line (or XML path) of a file. :class:`ProfileAssembler` canonicalises
the marker, parses the alleles and records each problem with its location:

* unknown marker names (unless allowed), a marker given twice for one sample;
* a sample id that comes back after other samples (two samples sharing one id);
* more than two alleles at a marker: a *possible mixture*, reported, never resolved;
* cells that are not allele designations, amelogenin alleles that are not X/Y;
* ``OL`` (off-ladder) alleles are kept as off-ladder alleles and reported as warnings.

One allele alone is a homozygote (lab exports write it once); a cell ``?`` next to a
known allele makes a partial genotype (the partner dropped out).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from reunite.errors import AlleleError, FileFormatError, InputError, MarkerError
from reunite.genetics.alleles import Allele, AlleleKind, parse_allele
from reunite.genetics.markers import AMELOGENIN, canonical_marker_name
from reunite.genetics.profile import Genotype, Profile
from reunite.io.result import (
    CODE_BAD_ALLELE,
    CODE_DUPLICATE_MARKER,
    CODE_DUPLICATE_SAMPLE,
    CODE_EMPTY_SAMPLE,
    CODE_OFF_LADDER,
    CODE_POSSIBLE_MIXTURE,
    CODE_UNKNOWN_MARKER,
    ProblemLog,
)

__all__ = ["UNKNOWN_ALLELE", "ProfileAssembler", "check_writable_id"]

_UNSEEN = "\x00unseen"  # sentinel: a marker spelling not looked up yet

UNKNOWN_ALLELE = "?"
"""The cell reunite writes (and reads) for the unseen partner of a partial genotype."""


def check_writable_id(sample: str) -> None:
    """Refuse a sample id that a lab table cannot hold as it is (line breaks, tabs, padding).

    Readers strip cells and split lines, so such an id would not read back the same.
    """
    if sample != sample.strip() or any(unicodedata.category(c)[0] == "C" for c in sample):
        raise FileFormatError(
            "a sample id with control characters or surrounding spaces cannot be written "
            "to a lab file", sample=sample, value=sample)


@dataclass(slots=True)  # one per sample: no per-instance __dict__
class _Sample:
    first_line: int | None
    first_field: str | None
    genotypes: dict[str, Genotype] = field(default_factory=dict)
    where: dict[str, int | str] = field(default_factory=dict)


class ProfileAssembler:
    """Accumulates calls per sample; :meth:`profiles` builds those without errors."""

    def __init__(self, log: ProblemLog, *, allow_unknown_markers: bool = False) -> None:
        self._log = log
        self._allow_unknown = allow_unknown_markers
        self._samples: dict[str, _Sample] = {}
        self._last: str | None = None
        self._marker_cache: dict[str, str | None] = {}
        self._genotype_cache: dict[tuple[str, ...], tuple[Genotype, tuple[str, ...]]] = {}

    @property
    def sample_ids(self) -> tuple[str, ...]:
        """Every sample id seen, in file order."""
        return tuple(self._samples)

    def start_sample(
        self, sample: str, *, line: int | None = None, field: str | None = None,
        contiguous: bool = True,
    ) -> bool:
        """Open ``sample``; False (and a problem) if the id was already used.

        With ``contiguous`` (long tables, one row per marker) the id may repeat on
        consecutive rows; coming back after another sample means two samples share it.
        """
        existing = self._samples.get(sample)
        if existing is None:
            self._samples[sample] = _Sample(line, field)
            self._last = sample
            return True
        if contiguous and self._last == sample:
            return True
        first = f"line {existing.first_line}" if existing.first_line else existing.first_field
        self._log.error(
            CODE_DUPLICATE_SAMPLE,
            f"duplicated sample id: already used at {first}; two samples cannot share an id",
            line=line, field=field, sample=sample, value=sample,
        )
        self._last = sample
        return False

    def clean_call(self, raw_marker: str, cells: list[str]) -> tuple[str, Genotype] | None:
        """The canonical marker and genotype of a call :meth:`add` has already read and found
        clean (known marker spelling, at most two alleles, no off-ladder allele); else None.

        Lab tables repeat the same few genotypes millions of times: a reader may record such
        a call with :meth:`calls` instead of :meth:`add`, skipping every check whose answer
        is already known, provided the sample does not have the marker yet. The answer for
        given arguments never changes once it is not None (the caches only grow).
        """
        marker = self._marker_cache.get(raw_marker)
        if marker is None or len(cells) > 2:
            return None
        hit = self._genotype_cache.get((marker, *cells))
        if hit is None or hit[1]:
            return None
        return marker, hit[0]

    def calls(self, sample: str) -> tuple[dict[str, int | str], dict[str, Genotype]]:
        """Where each marker of the open ``sample`` was read, and its genotypes (live).

        Only for recording a :meth:`clean_call` answer at a marker not in the first dict:
        set both entries (the line, the genotype); anything else goes through :meth:`add`.
        """
        entry = self._samples[sample]
        return entry.where, entry.genotypes

    def accepts_marker(self, raw: str) -> bool:
        """True if ``raw`` names a known marker (or unknown markers are allowed)."""
        return self._canonical(raw) is not None

    def _canonical(self, raw: str) -> str | None:
        if raw in self._marker_cache:
            return self._marker_cache[raw]
        try:
            name: str | None = canonical_marker_name(raw, allow_unknown=self._allow_unknown)
        except MarkerError:
            name = None
        self._marker_cache[raw] = name
        return name

    def add(
        self,
        sample: str,
        raw_marker: str,
        cells: list[str],
        *,
        line: int | None = None,
        field: str | None = None,
        max_alleles: int = 2,
    ) -> None:
        """Record the allele ``cells`` (empty ones already removed) of ``sample`` at a marker.

        No cells means the marker was not typed (nothing is recorded).
        """
        entry = self._samples.get(sample)
        if entry is None:
            self.start_sample(sample, line=line, field=field)
            entry = self._samples[sample]
        log = self._log
        marker = self._marker_cache.get(raw_marker, _UNSEEN)
        if marker is _UNSEEN:
            marker = self._canonical(raw_marker)
        if marker is None:
            log.error(CODE_UNKNOWN_MARKER,
                      "unknown marker name (check the spelling, or allow unknown markers)",
                      line=line, field=field, sample=sample, marker=raw_marker, value=raw_marker)
            return
        first = entry.where.get(marker)
        if first is not None:
            at = f"line {first}" if isinstance(first, int) else first
            log.error(CODE_DUPLICATE_MARKER, f"marker given twice for this sample (first at {at})",
                      line=line, field=field, sample=sample, marker=marker, value=raw_marker)
            return
        entry.where[marker] = line if line is not None else (field or "?")
        if not cells:
            return
        if len(cells) > max_alleles:
            log.error(CODE_POSSIBLE_MIXTURE,
                      f"possible mixture: {len(cells)} alleles where one person carries at "
                      f"most {max_alleles}; not guessed",
                      line=line, field=field, sample=sample, marker=marker,
                      value=", ".join(cells))
            return
        # Genotypes are immutable values and a file repeats few distinct calls per marker:
        # parse each (marker, cells) once. Off-ladder warnings are still logged per row.
        key = (marker, *cells)
        cached = self._genotype_cache.get(key)
        if cached is not None:
            entry.genotypes[marker], off_ladder = cached
            for cell in off_ladder:
                self._warn_off_ladder(sample, marker, cell, line=line, field=field)
            return
        parsed = self._genotype(cells, sample=sample, marker=marker, line=line, field=field)
        if parsed is None:
            return
        self._genotype_cache[key] = (parsed, tuple(
            c for c, a in zip(cells, (self._parsed(c) for c in cells), strict=True)
            if a is not None and a.is_off_ladder))
        entry.genotypes[marker] = parsed

    def _warn_off_ladder(self, sample: str, marker: str, cell: str, *, line: int | None,
                         field: str | None) -> None:
        self._log.warning(CODE_OFF_LADDER, "off-ladder allele kept as called; confirm its "
                          "designation before searching", line=line, field=field,
                          sample=sample, marker=marker, value=cell)

    @staticmethod
    def _parsed(cell: str) -> Allele | None:
        if cell == UNKNOWN_ALLELE:
            return None
        return parse_allele(cell)

    def _genotype(
        self, cells: list[str], *, sample: str, marker: str, line: int | None,
        field: str | None,
    ) -> Genotype | None:
        log = self._log
        known: list[Allele] = []
        n_unknown = 0
        for cell in cells:
            if cell == UNKNOWN_ALLELE:
                n_unknown += 1
                continue
            try:
                allele = parse_allele(cell)
            except AlleleError as exc:
                log.error(CODE_BAD_ALLELE, exc.message, line=line, field=field,
                          sample=sample, marker=marker, value=cell)
                return None
            if (marker == AMELOGENIN) != (allele.kind is AlleleKind.AMELOGENIN):
                expected = "X or Y" if marker == AMELOGENIN else "a repeat number"
                log.error(CODE_BAD_ALLELE, f"expected {expected} at {marker}", line=line,
                          field=field, sample=sample, marker=marker, value=cell)
                return None
            if allele.is_off_ladder:
                self._warn_off_ladder(sample, marker, cell, line=line, field=field)
            known.append(allele)
        if not known:
            return None
        try:
            if len(known) == 2:
                return Genotype(known[0], known[1])
            if n_unknown:
                return Genotype.partial(known[0])
            return Genotype.homozygote(known[0])
        except InputError as exc:  # pragma: no cover - alleles were parsed above
            log.error(CODE_BAD_ALLELE, exc.message, line=line, field=field, sample=sample,
                      marker=marker, value=",".join(cells))
            return None

    def profiles(self) -> list[Profile]:
        """Profiles of the samples without errors; a sample with no typed marker is one."""
        result: list[Profile] = []
        for sample, entry in self._samples.items():
            if self._log.is_bad(sample):
                continue
            if not entry.genotypes:
                self._log.error(CODE_EMPTY_SAMPLE, "no marker was typed for this sample",
                                line=entry.first_line, field=entry.first_field, sample=sample)
                continue
            if isinstance(sample, str) and sample.strip():
                # Names come from canonical_marker_name and values are Genotypes (add()
                # made them), so only the id is left to check: skip the re-validation.
                result.append(Profile._from_canonical(sample, dict(entry.genotypes)))
                continue
            try:
                result.append(Profile(sample, entry.genotypes))
            except InputError as exc:
                self._log.error(CODE_BAD_ALLELE, exc.message, line=entry.first_line,
                                field=entry.first_field, sample=sample,
                                value=exc.context.get("value"))
        return result

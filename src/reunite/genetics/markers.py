"""Markers (loci): canonical names, the aliases labs write, and chromosome type.

Lab software and frequency tables spell the same locus in many ways (``vWA``/``VWA``,
``Penta E``/``PentaE``/``PENTA_E``, ``TH01``/``THO1``, ``SE33``/``ACTBP2``). reunite keeps
one canonical name per marker and maps every alias to it; the match ignores case, spaces,
underscores, hyphens and dots. Unknown names are an error unless explicitly allowed, so a
typo never silently becomes a new marker.

Multi-copy Y loci (``DYS385`` a/b, ``DYF387S1`` a/b) are one marker with ``copies=2``;
``DYS385a``/``DYS385b`` are aliases of ``DYS385``.

X-STRs are ``ChromosomeType.X`` (inherited X-linked in the kinship engine). The twelve of
the Investigator Argus X-12 kit lie in four linkage groups (:data:`X_LINKAGE_GROUPS`,
``Marker.linkage_group``), clusters of three tightly linked loci each (Xp22.2, Xq12,
Xq26, Xq28; Szibor et al. 2003, the Argus X-12 handbook, Tillmar et al. 2017). The
engine treats markers as independent: the metadata is there to say so in reports and to
let a linkage-aware model use it later (``docs/kinship-case-extensions.md``).

The kits (:class:`Kit`, :data:`KITS`, :func:`get_kit`) live in :mod:`reunite.genetics.kits`
and are re-exported here.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from reunite.errors import MarkerError

__all__ = [
    "AMELOGENIN",
    "KITS",
    "MARKERS",
    "X_LINKAGE_GROUPS",
    "ChromosomeType",
    "Kit",
    "Marker",
    "canonical_marker_name",
    "get_kit",
    "get_marker",
    "is_known_marker",
]


class ChromosomeType(enum.Enum):
    """Where a marker sits, which decides how it is inherited."""

    AUTOSOMAL = "autosomal"
    X = "X"
    Y = "Y"
    XY = "XY"
    """Amelogenin: homologous copies on X and Y; a sex test, not an identity marker."""


@dataclass(frozen=True, slots=True)
class Marker:
    """A locus: canonical ``name``, ``chromosome`` type, accepted ``aliases``, ``copies``.

    ``copies`` is 2 for duplicated Y loci typed as one marker (DYS385 a/b).
    ``linkage_group`` names the cluster of tightly linked X-STRs the locus belongs to
    (``"LG1"``–``"LG4"`` for the Argus X-12 loci, :data:`X_LINKAGE_GROUPS`), else ``None``.
    """

    name: str
    chromosome: ChromosomeType
    aliases: tuple[str, ...] = ()
    copies: int = 1
    linkage_group: str | None = None

    @property
    def is_autosomal(self) -> bool:
        """True for autosomal markers, the ones the product rule applies to."""
        return self.chromosome is ChromosomeType.AUTOSOMAL


AMELOGENIN = "AMEL"

_A = ChromosomeType.AUTOSOMAL
_X = ChromosomeType.X
_Y = ChromosomeType.Y

# (canonical name, chromosome, aliases). Aliases only need entries that differ from the
# canonical name after normalisation (case, spaces, "_", "-", "." removed).
_DEFINITIONS: tuple[tuple[str, ChromosomeType, tuple[str, ...]], ...] = (
    # The 20 CODIS core loci.
    ("CSF1PO", _A, ("CSF1P0", "CSF")),
    ("D1S1656", _A, ()),
    ("D2S441", _A, ()),
    ("D2S1338", _A, ()),
    ("D3S1358", _A, ()),
    ("D5S818", _A, ()),
    ("D7S820", _A, ()),
    ("D8S1179", _A, ()),
    ("D10S1248", _A, ()),
    ("D12S391", _A, ()),
    ("D13S317", _A, ()),
    ("D16S539", _A, ()),
    ("D18S51", _A, ()),
    ("D19S433", _A, ()),
    ("D21S11", _A, ()),
    ("D22S1045", _A, ()),
    ("FGA", _A, ("FIBRA", "FIBRA (FGA)", "FGA (FIBRA)")),
    ("TH01", _A, ("THO1", "TH1", "HUMTH01")),
    ("TPOX", _A, ("TPO", "HUMTPOX")),
    ("vWA", _A, ("vWA31", "HUMVWA", "HUMVWA31A")),
    # Other autosomal STRs in common kits and tables.
    ("SE33", _A, ("ACTBP2", "ACTBP2 (SE33)", "SE33 (ACTBP2)")),
    ("Penta C", _A, ()),
    ("Penta D", _A, ()),
    ("Penta E", _A, ()),
    ("D6S1043", _A, ()),
    ("F13A01", _A, ("F13A1", "F13A")),
    ("F13B", _A, ()),
    ("FESFPS", _A, ("FES", "FES/FPS")),
    ("LPL", _A, ()),
    ("D1GATA113", _A, ()),
    ("D1S1627", _A, ()),
    ("D1S1677", _A, ()),
    ("D2S1360", _A, ()),
    ("D2S1776", _A, ()),
    ("D3S1744", _A, ()),
    ("D3S3045", _A, ()),
    ("D3S4529", _A, ()),
    ("D4S2366", _A, ()),
    ("D4S2408", _A, ()),
    ("D5S2500", _A, ()),
    ("D5S2800", _A, ()),
    ("D6S474", _A, ()),
    ("D6S477", _A, ()),
    ("D6S1017", _A, ()),
    ("D7S1517", _A, ()),
    ("D7S3048", _A, ()),
    ("D8S1132", _A, ()),
    ("D9S925", _A, ()),
    ("D9S1122", _A, ()),
    ("D9S2157", _A, ()),
    ("D10S1435", _A, ()),
    ("D10S2325", _A, ()),
    ("D11S554", _A, ()),
    ("D11S2368", _A, ()),
    ("D11S4463", _A, ()),
    ("D12ATA63", _A, ()),
    ("D13S325", _A, ()),
    ("D14S608", _A, ()),
    ("D14S1434", _A, ()),
    ("D15S659", _A, ()),
    ("D17S906", _A, ()),
    ("D17S1290", _A, ()),
    ("D17S1301", _A, ()),
    ("D18S535", _A, ()),
    ("D18S853", _A, ()),
    ("D18S1364", _A, ()),
    ("D19S253", _A, ()),
    ("D20S470", _A, ()),
    ("D20S482", _A, ()),
    ("D21S1270", _A, ()),
    ("D21S2055", _A, ()),
    ("D22GATA198B05", _A, ("D22GATA",)),
    ("APOAI1", _A, ()),
    ("Penta B", _A, ()),
    # Further autosomal STRs of Asian kits and NIST miniSTR sets (mispitools tables).
    ("D1S1679", _A, ()),
    ("D2S427", _A, ()),
    ("D3S2406", _A, ()),
    ("D3S3053", _A, ()),
    ("D3S4545", _A, ()),
    ("D4S2364", _A, ()),
    ("D5S1457", _A, ()),
    ("D6S1027", _A, ()),
    ("D7S2201", _A, ()),
    ("D8S1115", _A, ()),
    ("D9S1118", _A, ()),
    ("D9S1120", _A, ()),
    ("D11S1304", _A, ()),
    ("D12S297", _A, ()),
    ("D14S1426", _A, ()),
    ("D15S822", _A, ()),
    ("D17S974", _A, ()),
    ("D21S102", _A, ()),
    # Sex marker.
    (AMELOGENIN, ChromosomeType.XY, ("Amelogenin", "AM", "AMELO", "AMELXY", "Amel")),
    # X-STRs (Investigator Argus X-12 and common extras).
    ("DXS7132", _X, ()),
    ("DXS7423", _X, ()),
    ("DXS8378", _X, ()),
    ("DXS10074", _X, ()),
    ("DXS10079", _X, ()),
    ("DXS10101", _X, ()),
    ("DXS10103", _X, ()),
    ("DXS10134", _X, ()),
    ("DXS10135", _X, ()),
    ("DXS10146", _X, ()),
    ("DXS10148", _X, ()),
    ("HPRTB", _X, ("HPRT",)),
    # Y markers.
    ("DYS19", _Y, ("DYS394",)),
    ("DYS389I", _Y, ("DYS389 I", "DYS3891")),
    ("DYS389II", _Y, ("DYS389 II", "DYS38911")),
    ("DYS390", _Y, ()),
    ("DYS391", _Y, ()),
    ("DYS392", _Y, ()),
    ("DYS393", _Y, ()),
    ("DYS437", _Y, ()),
    ("DYS438", _Y, ()),
    ("DYS439", _Y, ()),
    ("DYS448", _Y, ()),
    ("DYS449", _Y, ()),
    ("DYS456", _Y, ()),
    ("DYS458", _Y, ()),
    ("DYS460", _Y, ()),
    ("DYS481", _Y, ()),
    ("DYS518", _Y, ()),
    ("DYS533", _Y, ()),
    ("DYS549", _Y, ()),
    ("DYS570", _Y, ()),
    ("DYS576", _Y, ()),
    ("DYS627", _Y, ()),
    ("DYS635", _Y, ("Y-GATA-C4",)),
    ("DYS643", _Y, ()),
    ("YGATAH4", _Y, ("Y-GATA-H4", "GATAH4", "GATA H4", "YGATAH41")),
    ("Yindel", _Y, ("Y indel", "rs2032678")),
)

X_LINKAGE_GROUPS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "LG1": ("DXS10148", "DXS10135", "DXS8378"),  # Xp22.2
    "LG2": ("DXS7132", "DXS10079", "DXS10074"),  # Xq12
    "LG3": ("DXS10103", "HPRTB", "DXS10101"),  # Xq26
    "LG4": ("DXS10146", "DXS10134", "DXS7423"),  # Xq28
})
"""The four linkage groups of the Investigator Argus X-12 loci (three loci each, in map
order). Loci of one group are close enough for recombination fractions of a few per
cent; loci of different groups are taken as unlinked."""

_MULTI_COPY: Mapping[str, tuple[str, ...]] = {
    "DYS385": ("DYS385a", "DYS385b", "DYS385ab", "DYS385a/b", "DYS385 a/b"),
    "DYF387S1": ("DYF387S1a", "DYF387S1b", "DYF387S1ab", "DYF387S1a/b", "DYF387S1 a/b"),
}

_SEPARATORS = re.compile(r"[\s_\-.]+")


@lru_cache(maxsize=8192)
def _normalise(name: str) -> str:
    return _SEPARATORS.sub("", name).upper()


def _build() -> tuple[Mapping[str, Marker], Mapping[str, str]]:
    markers: dict[str, Marker] = {}
    lookup: dict[str, str] = {}
    group_of = {locus: group for group, loci in X_LINKAGE_GROUPS.items() for locus in loci}
    entries: list[Marker] = [Marker(n, c, a, linkage_group=group_of.get(n))
                             for n, c, a in _DEFINITIONS]
    entries += [Marker(n, _Y, a, copies=2) for n, a in _MULTI_COPY.items()]
    for marker in entries:
        markers[marker.name] = marker
        for spelling in (marker.name, *marker.aliases):
            key = _normalise(spelling)
            if lookup.get(key, marker.name) != marker.name:  # pragma: no cover - table bug
                raise AssertionError(f"alias {spelling!r} is ambiguous")
            lookup[key] = marker.name
    return MappingProxyType(markers), MappingProxyType(lookup)


MARKERS, _LOOKUP = _build()
"""Every known marker by canonical name."""


@lru_cache(maxsize=8192)
def _resolve(name: str) -> str | None:
    # Readers resolve the same few dozen spellings once per row: remember each answer
    # (the table is fixed at import, so an answer never goes stale).
    return _LOOKUP.get(_normalise(name))


def canonical_marker_name(name: str, *, allow_unknown: bool = False) -> str:
    """The canonical name of marker ``name`` (``"VWA"`` → ``"vWA"``, ``"PENTA_E"`` → ``"Penta E"``).

    Matching ignores case, whitespace, ``_``, ``-`` and ``.``. An unknown name raises
    :class:`~reunite.errors.MarkerError` naming it, unless ``allow_unknown`` is true, in
    which case the name is returned stripped of surrounding whitespace.
    """
    if type(name) is str and name in MARKERS:  # already canonical: the common case
        return name
    if not isinstance(name, str) or not name.strip():
        raise MarkerError("empty or non-text marker name", value=name)
    canonical = _resolve(name)
    if canonical is not None:
        return canonical
    if allow_unknown:
        return name.strip()
    raise MarkerError("unknown marker name (allow unknown markers to accept it)", value=name)


def is_known_marker(name: str) -> bool:
    """True if ``name`` is a known marker or alias."""
    return isinstance(name, str) and _normalise(name) in _LOOKUP


def get_marker(name: str) -> Marker:
    """The :class:`Marker` for ``name`` (any alias); raises MarkerError if unknown."""
    return MARKERS[canonical_marker_name(name)]


# Kits are defined in their own module (plain data) and re-exported here for callers
# who think of kits as sets of markers. The import sits below the definitions above
# because kits.py validates its loci with canonical_marker_name.
from reunite.genetics.kits import KITS, Kit, get_kit  # noqa: E402

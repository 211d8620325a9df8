"""Commercial STR kits and standard locus sets, as tuples of canonical marker names.

Loci follow the manufacturers' kit documentation (and the panel files shipped with
STR-validator); quality sensors (QS1/QS2 in QIAGEN kits) are not loci and are left out.
Counts, for reference:

=====================  ===================================================================
CODIS core             20 autosomal STRs (FBI expanded core since 2017)
ESS                    12 autosomal STRs (European Standard Set, Council Resolution 2009)
GlobalFiler            21 autosomal STRs + DYS391 + Y indel + amelogenin (24)
PowerPlex Fusion 6C    23 autosomal STRs + DYS391, DYS570, DYS576 + amelogenin (27)
Investigator 24plex    21 autosomal STRs + DYS391 + amelogenin (23; plus 2 quality sensors)
PowerPlex 21           20 autosomal STRs + amelogenin (21)
Yfiler Plus            25 Y markers = 27 loci (DYS385 a/b and DYF387S1 a/b have 2 copies)
PowerPlex Y23          22 Y markers = 23 loci (DYS385 a/b)
Yfiler                 16 Y markers = 17 loci (DYS385 a/b)
PowerPlex Y            11 Y markers = 12 loci (DYS385 a/b)
Minimal haplotype      8 Y markers = 9 loci (DYS385 a/b; the YHRD minimal haplotype)
Investigator Argus X12 12 X-STRs
=====================  ===================================================================

Names here are canonical (see :mod:`reunite.genetics.markers`); a test checks that. This
module holds plain data only, so that :mod:`~reunite.genetics.markers` can re-export it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from reunite.errors import MarkerError

__all__ = ["KITS", "Kit", "get_kit"]


@dataclass(frozen=True, slots=True)
class Kit:
    """A named set of markers typed together; ``markers`` in the kit's dye/size order."""

    name: str
    markers: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    def __contains__(self, marker: object) -> bool:
        return marker in self.markers

    def __len__(self) -> int:
        return len(self.markers)


_CODIS_CORE = (
    "CSF1PO", "D1S1656", "D2S441", "D2S1338", "D3S1358", "D5S818", "D7S820", "D8S1179",
    "D10S1248", "D12S391", "D13S317", "D16S539", "D18S51", "D19S433", "D21S11", "D22S1045",
    "FGA", "TH01", "TPOX", "vWA",
)
_ESS = (
    "D3S1358", "vWA", "D8S1179", "D21S11", "D18S51", "TH01", "FGA",
    "D1S1656", "D2S441", "D10S1248", "D12S391", "D22S1045",
)
_GLOBALFILER = (
    "D3S1358", "vWA", "D16S539", "CSF1PO", "TPOX", "Yindel", "AMEL", "D8S1179", "D21S11",
    "D18S51", "DYS391", "D2S441", "D19S433", "TH01", "FGA", "D22S1045", "D5S818", "D13S317",
    "D7S820", "SE33", "D10S1248", "D1S1656", "D12S391", "D2S1338",
)
_FUSION_6C = (
    "AMEL", "D3S1358", "D1S1656", "D2S441", "D10S1248", "D13S317", "Penta E", "D16S539",
    "D18S51", "D2S1338", "CSF1PO", "Penta D", "TH01", "vWA", "D21S11", "D7S820", "D5S818",
    "TPOX", "D8S1179", "D12S391", "D19S433", "SE33", "D22S1045", "DYS391", "FGA", "DYS576",
    "DYS570",
)
_INVESTIGATOR_24PLEX = (
    "AMEL", "TH01", "D3S1358", "vWA", "D21S11", "TPOX", "DYS391", "D1S1656", "D12S391",
    "SE33", "D10S1248", "D22S1045", "D19S433", "D8S1179", "D2S1338", "D2S441", "D18S51",
    "FGA", "D16S539", "CSF1PO", "D13S317", "D5S818", "D7S820",
)
_POWERPLEX_21 = (
    "AMEL", "D3S1358", "D1S1656", "D6S1043", "D13S317", "Penta E", "D16S539", "D18S51",
    "D2S1338", "CSF1PO", "Penta D", "TH01", "vWA", "D21S11", "D7S820", "D5S818", "TPOX",
    "D8S1179", "D12S391", "D19S433", "FGA",
)
_YFILER_PLUS = (
    "DYS576", "DYS389I", "DYS635", "DYS389II", "DYS627", "DYS460", "DYS458", "DYS19",
    "YGATAH4", "DYS448", "DYS391", "DYS456", "DYS390", "DYS438", "DYS392", "DYS518",
    "DYS570", "DYS437", "DYS385", "DYS449", "DYS393", "DYS439", "DYS481", "DYF387S1",
    "DYS533",
)
_POWERPLEX_Y23 = (
    "DYS576", "DYS389I", "DYS448", "DYS389II", "DYS19", "DYS391", "DYS481", "DYS549",
    "DYS533", "DYS438", "DYS437", "DYS570", "DYS635", "DYS390", "DYS439", "DYS392",
    "DYS643", "DYS393", "DYS458", "DYS385", "DYS456", "YGATAH4",
)
_YFILER = (
    "DYS456", "DYS389I", "DYS390", "DYS389II", "DYS458", "DYS19", "DYS385", "DYS393",
    "DYS391", "DYS439", "DYS635", "DYS392", "YGATAH4", "DYS437", "DYS438", "DYS448",
)
_POWERPLEX_Y = (
    "DYS391", "DYS389I", "DYS439", "DYS389II", "DYS438", "DYS437", "DYS19", "DYS392",
    "DYS393", "DYS390", "DYS385",
)
_MINIMAL_HAPLOTYPE = (
    "DYS19", "DYS389I", "DYS389II", "DYS390", "DYS391", "DYS392", "DYS393", "DYS385",
)
_ARGUS_X12 = (
    "AMEL", "DXS10103", "DXS8378", "DXS7132", "DXS10134", "DXS10074", "DXS10101",
    "DXS10135", "DXS7423", "DXS10146", "DXS10079", "HPRTB", "DXS10148",
)

_KIT_LIST = (
    Kit("CODIS", _CODIS_CORE, ("CODIS 20", "CODIS core", "CODIS20")),
    Kit("ESS", _ESS, ("European Standard Set",)),
    Kit("GlobalFiler", _GLOBALFILER, ()),
    Kit("PowerPlex Fusion 6C", _FUSION_6C, ("Fusion 6C", "PPF6C")),
    Kit("Investigator 24plex", _INVESTIGATOR_24PLEX, ("24plex", "Investigator 24plex QS")),
    Kit("PowerPlex 21", _POWERPLEX_21, ("PP21",)),
    Kit("Yfiler Plus", _YFILER_PLUS, ("YfilerPlus",)),
    Kit("PowerPlex Y23", _POWERPLEX_Y23, ("PPY23", "Y23")),
    Kit("Yfiler", _YFILER, ("AmpFlSTR Yfiler",)),
    Kit("PowerPlex Y", _POWERPLEX_Y, ("PPY", "PowerPlex Y12")),
    Kit("Minimal haplotype", _MINIMAL_HAPLOTYPE, ("Minimal", "MHT", "YHRD minimal")),
    Kit("Investigator Argus X-12", _ARGUS_X12, ("Argus X-12", "Argus X12")),
)

KITS: Mapping[str, Kit] = MappingProxyType({kit.name: kit for kit in _KIT_LIST})
"""Every known kit by canonical name."""


def _normalise(name: str) -> str:
    return re.sub(r"[\s_\-.]+", "", name).upper()


_KIT_LOOKUP: Mapping[str, Kit] = MappingProxyType(
    {_normalise(spelling): kit for kit in _KIT_LIST for spelling in (kit.name, *kit.aliases)}
)


def get_kit(name: str) -> Kit:
    """The kit called ``name`` (case, spaces, ``_``/``-`` ignored); MarkerError if unknown."""
    kit = _KIT_LOOKUP.get(_normalise(name)) if isinstance(name, str) else None
    if kit is None:
        raise MarkerError(f"unknown kit (known: {', '.join(KITS)})", value=name)
    return kit

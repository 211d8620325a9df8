"""Marker names, aliases, chromosome types and kit loci."""

from __future__ import annotations

import pytest

from reunite.errors import MarkerError
from reunite.genetics.kits import KITS, get_kit
from reunite.genetics.markers import (
    MARKERS,
    X_LINKAGE_GROUPS,
    ChromosomeType,
    canonical_marker_name,
    get_marker,
    is_known_marker,
)


class TestCanonicalMarkerNameExamples:
    @pytest.mark.parametrize(
        ("alias", "canonical"),
        [
            ("vWA", "vWA"), ("VWA", "vWA"), ("vwa", "vWA"),
            ("Penta E", "Penta E"), ("PentaE", "Penta E"), ("PENTA_E", "Penta E"),
            ("Penta_E", "Penta E"), ("penta-e", "Penta E"),
            ("Penta D", "Penta D"), ("PENTA_D", "Penta D"), ("Penta_C", "Penta C"),
            ("SE33", "SE33"), ("ACTBP2", "SE33"),
            ("TH01", "TH01"), ("THO1", "TH01"),
            ("TPOX", "TPOX"), ("D2S441", "D2S441"), ("d2s441", "D2S441"),
            ("AMEL", "AMEL"), ("Amelogenin", "AMEL"), ("AM", "AMEL"),
            ("DYS385a", "DYS385"), ("DYS385b", "DYS385"), ("DYS385 a/b", "DYS385"),
            ("CSF1PO", "CSF1PO"), ("FGA", "FGA"), ("FIBRA", "FGA"),
            ("DYS389 I", "DYS389I"), ("Y-GATA-H4", "YGATAH4"), ("Y indel", "Yindel"),
            (" D3S1358 ", "D3S1358"),
        ],
    )
    def test_canonical_marker_name__aliases(self, alias: str, canonical: str) -> None:
        assert canonical == canonical_marker_name(alias)

    def test_canonical_marker_name__is_idempotent_for_every_known_marker(self) -> None:
        for name, marker in MARKERS.items():
            assert name == canonical_marker_name(name)
            for alias in marker.aliases:
                assert name == canonical_marker_name(alias)

    def test_canonical_marker_name__unknown_allowed_returns_name(self) -> None:
        assert canonical_marker_name(" D99S999 ", allow_unknown=True) == "D99S999"
        assert not is_known_marker("D99S999")
        assert is_known_marker("vwa")


class TestCanonicalMarkerNameErrors:
    @pytest.mark.parametrize("name", ["D99S999", "vWAA", "Penta F"])
    def test_canonical_marker_name__unknown_raises_naming_it(self, name: str) -> None:
        with pytest.raises(MarkerError) as info:
            canonical_marker_name(name)

        assert name == info.value.value
        assert repr(name) in str(info.value)

    @pytest.mark.parametrize("name", ["", "  "])
    def test_canonical_marker_name__empty_raises(self, name: str) -> None:
        with pytest.raises(MarkerError):
            canonical_marker_name(name, allow_unknown=True)


class TestMarkers:
    def test_get_marker__chromosome_types(self) -> None:
        assert ChromosomeType.AUTOSOMAL is get_marker("vwa").chromosome
        assert ChromosomeType.Y is get_marker("DYS19").chromosome
        assert ChromosomeType.X is get_marker("DXS10135").chromosome
        assert ChromosomeType.XY is get_marker("Amelogenin").chromosome
        assert get_marker("vWA").is_autosomal
        assert not get_marker("DYS391").is_autosomal

    def test_argus_x12__twelve_x_strs_in_four_linkage_groups(self) -> None:
        kit = get_kit("Argus X-12")
        loci = [m for m in kit.markers if m != "AMEL"]
        assert sorted(loci) == sorted(
            ["DXS10135", "DXS10074", "DXS10079", "DXS10101", "DXS10103", "DXS10134",
             "DXS10146", "DXS10148", "DXS7132", "DXS7423", "DXS8378", "HPRTB"])
        assert all(get_marker(m).chromosome is ChromosomeType.X for m in loci)
        grouped = sorted(m for group in X_LINKAGE_GROUPS.values() for m in group)
        assert grouped == sorted(loci)
        assert all(len(group) == 3 for group in X_LINKAGE_GROUPS.values())
        assert get_marker("DXS10148").linkage_group == "LG1"
        assert get_marker("HPRT").linkage_group == "LG3"  # an alias of HPRTB
        assert get_marker("DXS7423").linkage_group == "LG4"
        assert get_marker("vWA").linkage_group is None

    def test_get_marker__multi_copy_y_loci(self) -> None:
        assert get_marker("DYS385").copies == 2
        assert get_marker("DYF387S1").copies == 2
        assert get_marker("DYS19").copies == 1

    def test_marker__is_frozen(self) -> None:
        marker = get_marker("TH01")

        with pytest.raises(AttributeError):
            marker.name = "X"  # type: ignore[misc]


class TestKits:
    def test_kits__every_locus_is_a_canonical_known_marker(self) -> None:
        for kit in KITS.values():
            assert len(set(kit.markers)) == len(kit.markers), kit.name
            for marker in kit.markers:
                assert marker == canonical_marker_name(marker), (kit.name, marker)

    def _count(self, kit_name: str, chromosome: ChromosomeType) -> int:
        return sum(1 for m in get_kit(kit_name).markers
                   if MARKERS[m].chromosome is chromosome)

    def test_kits__codis_core_has_20_autosomal_loci(self) -> None:
        kit = get_kit("CODIS 20")

        assert len(kit) == 20
        assert self._count("CODIS", ChromosomeType.AUTOSOMAL) == 20
        assert {"D1S1656", "D2S441", "D2S1338", "D10S1248", "D12S391", "D19S433",
                "D22S1045"} <= set(kit.markers)

    def test_kits__european_standard_set_has_12(self) -> None:
        kit = get_kit("European Standard Set")

        assert len(kit) == 12
        assert {"D3S1358", "vWA", "D8S1179", "D21S11", "D18S51", "TH01", "FGA", "D1S1656",
                "D2S441", "D10S1248", "D12S391", "D22S1045"} == set(kit.markers)

    def test_kits__globalfiler(self) -> None:
        kit = get_kit("GlobalFiler")

        assert len(kit) == 24
        assert self._count("GlobalFiler", ChromosomeType.AUTOSOMAL) == 21
        assert {"DYS391", "Yindel", "AMEL", "SE33"} <= set(kit.markers)
        assert set(get_kit("CODIS").markers) < set(kit.markers)

    def test_kits__powerplex_fusion_6c(self) -> None:
        kit = get_kit("PowerPlex Fusion 6C")

        assert len(kit) == 27
        assert self._count("Fusion 6C", ChromosomeType.AUTOSOMAL) == 23
        assert {"DYS391", "DYS570", "DYS576", "Penta D", "Penta E", "SE33"} <= set(kit.markers)

    def test_kits__investigator_24plex(self) -> None:
        kit = get_kit("Investigator 24plex")

        assert len(kit) == 23
        assert self._count("24plex", ChromosomeType.AUTOSOMAL) == 21
        assert {"DYS391", "AMEL"} <= set(kit.markers)

    def test_kits__powerplex_21(self) -> None:
        kit = get_kit("PowerPlex 21")

        assert len(kit) == 21
        assert self._count("PP21", ChromosomeType.AUTOSOMAL) == 20
        assert {"D6S1043", "Penta D", "Penta E"} <= set(kit.markers)
        assert "D2S441" not in kit

    def test_kits__yfiler_plus_has_27_loci(self) -> None:
        kit = get_kit("Yfiler Plus")

        assert len(kit) == 25
        assert sum(MARKERS[m].copies for m in kit.markers) == 27
        assert all(MARKERS[m].chromosome is ChromosomeType.Y for m in kit.markers)

    def test_kits__powerplex_y23_has_23_loci(self) -> None:
        kit = get_kit("PowerPlex Y23")

        assert len(kit) == 22
        assert sum(MARKERS[m].copies for m in kit.markers) == 23
        assert {"DYS549", "DYS643"} <= set(kit.markers)

    def test_get_kit__unknown_raises(self) -> None:
        with pytest.raises(MarkerError) as info:
            get_kit("NoSuchPlex")

        assert info.value.value == "NoSuchPlex"

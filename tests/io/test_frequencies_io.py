"""Frequency tables through reunite.io: format detection, dispatch, CSV/Familias writers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reunite.errors import FileFormatError, FrequencyTableError
from reunite.genetics.frequencies import FrequencyTable
from reunite.io.frequencies import (
    detect_frequency_format,
    format_frequency_csv,
    read_frequencies,
    write_frequencies,
)


class TestFrequencyDispatch:
    @pytest.mark.parametrize(("path", "layout"), [
        ("nist-1036-us-population/nist1036_allele_frequencies.csv", "nist"),
        ("fbi-2015-expanded-codis/fbi2015_allele_frequencies.csv", "fbi"),
        ("norstr-oslo-frequencies/NorskDB_v2023.txt", "familias"),
        ("dvir-dvi-examples/familias/codis.txt", "familias"),
        ("dvir-dvi-examples/converted/fire_frequencies.csv", "csv"),
        ("relsim-fbi1999-caucasian/USCaucs.csv", "csv"),
        ("uk-dna17-population/ukdna17_allele_counts.csv", "nist"),
        ("mispitools-frequencies/Argentina.csv", "wide"),
        ("fbi-2015-expanded-codis/FBI_extended_Cauc_022024.csv", "wide"),
    ])
    def test_detect__real_files(self, shared_data: Path, path: str, layout: str) -> None:
        assert detect_frequency_format(shared_data / path) == layout

    def test_read__dispatches_to_each_layout_s_reader(self, shared_data: Path) -> None:
        nist = read_frequencies(
            shared_data / "nist-1036-us-population/nist1036_allele_frequencies.csv")
        fbi = read_frequencies(
            shared_data / "fbi-2015-expanded-codis/fbi2015_allele_frequencies.csv",
            population="Caucasian")
        norway = read_frequencies(shared_data / "norstr-oslo-frequencies/NorskDB_v2023.txt")

        assert nist.name == "NIST 1036 All"
        assert fbi.name == "FBI 2015 Caucasian"
        assert len(norway.markers) == 50

    @pytest.mark.parametrize(("path", "layout"), [
        ("mispitools-frequencies/Argentina.csv", "wide"),
        ("norstr-oslo-frequencies/NorskDB_v2023.txt", "familias"),
    ])
    def test_read__one_population_layouts_refuse_a_population(
        self, shared_data: Path, path: str, layout: str
    ) -> None:
        with pytest.raises(FrequencyTableError, match=f"a {layout} table holds one") as caught:
            read_frequencies(shared_data / path, population="Cauc")

        assert caught.value.field == "population"
        assert caught.value.value == "Cauc"

    def test_read__min_allele_count_reaches_every_reader(self, shared_data: Path) -> None:
        path = shared_data / "nist-1036-us-population/nist1036_allele_frequencies.csv"

        table = read_frequencies(path, min_allele_count=1)

        n = table.sample_size("TH01")
        assert n is not None
        assert table.min_allele_frequency("TH01") == 1 / (2 * n)

    def test_read__unknown_format_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "t.csv"
        path.write_text("marker,allele,frequency\nTH01,6,1\n")

        with pytest.raises(FrequencyTableError, match="unknown frequency format"):
            read_frequencies(path, format="xml")  # type: ignore[arg-type]

    def test_detect__unknown_layout(self, tmp_path: Path) -> None:
        path = tmp_path / "x.csv"
        path.write_text("a,b,c\n1,2,3\n")
        with pytest.raises(FileFormatError, match="unrecognised frequency table"):
            read_frequencies(path)


_weights = st.floats(min_value=1e-6, max_value=1.0, allow_nan=False)
_tables = st.builds(
    FrequencyTable, st.just("t"),
    st.dictionaries(st.sampled_from(["D3S1358", "vWA", "Penta E", "TH01"]),
                    st.dictionaries(st.sampled_from(["6", "7", "9.3", "10", "11", "<8"]),
                                    _weights, min_size=1), min_size=1))


class TestFrequencyRoundTrip:
    @settings(max_examples=40, deadline=None)
    @given(table=_tables, layout=st.sampled_from(["csv", "familias"]))
    def test_write_then_read__same_numbers(self, table: FrequencyTable, layout: str,
                                           tmp_path_factory: pytest.TempPathFactory) -> None:
        path = tmp_path_factory.mktemp("freq") / ("t.csv" if layout == "csv" else "t.txt")
        write_frequencies(table, path, format=layout)  # type: ignore[arg-type]
        again = read_frequencies(path)

        assert again.markers == table.markers
        for marker in table.markers:
            assert dict(again.frequencies(marker)) == dict(table.frequencies(marker))

    def test_csv__sample_sizes_are_written(self) -> None:
        table = FrequencyTable("t", {"TH01": {"6": 0.25, "7": 0.75}}, {"TH01": 100})

        assert format_frequency_csv(table).splitlines() == [
            "marker,allele,frequency,N", "TH01,6,0.25,100.0", "TH01,7,0.75,100.0"]

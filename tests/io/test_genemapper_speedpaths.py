"""The GeneMapper reader's fast paths read exactly what the general path reads.

A table without quotes is split directly (cells stripped only where whitespace can occur)
and repeated clean calls are recorded from a cache; a table with quotes goes through the
csv module. Quoting every cell must therefore change nothing: same profiles, skipped
samples and problems (file, line, sample, marker, value), or the same error.
"""

from __future__ import annotations

import contextlib
import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reunite.errors import FileFormatError, ReuniteError
from reunite.genetics.profile import Genotype, Profile
from reunite.io.assembly import ProfileAssembler
from reunite.io.genemapper import read_genemapper
from reunite.io.result import CODE_ROW, ProblemLog, problem_code

_SAMPLES = st.sampled_from(["S1", "S2", "S3", "S 4", "Åse", ""])
_MARKERS = st.sampled_from(["D3S1358", "vWA", "VWA", "AMEL", "TH01", "Penta E", "FOO", ""])
_CELLS = st.sampled_from(["14", "15", "9.3", "OL", "X", "Y", "", "NA", "?", "abc", " 7",
                          "16 ", "<8", "0"])


def _outcome(data: bytes, **options: bool) -> object:
    try:
        result = read_genemapper(data, name="t.txt", **options)
    except ReuniteError as exc:
        return (type(exc).__name__, exc.message, exc.context, exc.problems)
    return (result.profiles, [hash(p) for p in result.profiles], result.skipped,
            result.problems)


@st.composite
def _tables(draw: st.DrawFn) -> list[list[str]]:
    n_alleles = draw(st.integers(1, 3))
    header = ["Sample Name", "Marker", *(f"Allele {i}" for i in range(1, n_alleles + 1))]
    rows = [header]
    for _ in range(draw(st.integers(0, 14))):
        if draw(st.integers(0, 9)) == 0:
            rows.append([])  # a blank line
            continue
        width = n_alleles + 2 + draw(st.sampled_from([0, 0, 0, 0, -1, 1]))
        row = [draw(_SAMPLES), draw(_MARKERS)] + [draw(_CELLS) for _ in range(width - 2)]
        rows.append(row)
    return rows


def _text(rows: list[list[str]], *, quoted: bool, ending: str) -> bytes:
    lines = ["\t".join(f'"{c}"' if quoted else c for c in row) for row in rows]
    return ("\r\n".join(lines) + ending).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(_tables(), st.sampled_from(["", "\r\n"]), st.booleans(), st.booleans())
def test_unquoted_table_reads_as_its_quoted_copy(
    rows: list[list[str]], ending: str, skip_bad: bool, allow_unknown: bool
) -> None:
    options = {"skip_bad": skip_bad, "allow_unknown_markers": allow_unknown}
    plain = _outcome(_text(rows, quoted=False, ending=ending), **options)
    quoted = _outcome(_text(rows, quoted=True, ending=ending), **options)
    assert plain == quoted


def test_short_row_before_a_blank_last_line_is_malformed_not_truncated() -> None:
    # The file's last line holds only a delimiter (a row of empty cells): the short row
    # before it was not cut off by truncation, quoted or not.
    rows = [["Sample Name", "Marker", "Allele 1"], ["S1", "D3S1358"], ["", ""]]

    for quoted in (False, True):
        with pytest.raises(FileFormatError) as caught:
            read_genemapper(_text(rows, quoted=quoted, ending=""), name="t.txt")

        assert [(p.line, problem_code(p)) for p in caught.value.problems] == [(2, CODE_ROW)]


def test_blank_lines_in_a_bare_table_keep_line_numbers() -> None:
    data = (b"Sample Name\tMarker\tAllele 1\tAllele 2\r\n\r\n"
            b"S1\tvWA\t16\t17\r\n\t\t\t\r\n\r\nS1\tTH01\t9.3\t\r\n"
            b"\tvWA\t1\t2\r\nS2\tvWA\t16\t17\r\nS2\tvWA\t16\t17\r\n")
    with pytest.raises(FileFormatError) as caught:
        read_genemapper(data, name="t.txt")
    found = [(p.line, problem_code(p), p.message) for p in caught.value.problems]
    assert found == [(7, CODE_ROW, "empty sample name"),
                     (9, "duplicate-marker", "marker given twice for this sample "
                                             "(first at line 8)")]
    # An empty sample name concerns the whole file; without it, S2 alone is skipped.
    result = read_genemapper(data.replace(b"\tvWA\t1\t2\r\n", b""), name="t.txt",
                             skip_bad=True)
    assert [(s.sample, s.problems[0].line) for s in result.skipped] == [("S2", 8)]
    assert result.profiles == (Profile("S1", {"vWA": Genotype(16, 17),
                                              "TH01": Genotype(9.3, 9.3)}),)


def test_repeated_clean_calls_are_recorded_per_sample() -> None:
    header = "Sample Name\tMarker\tAllele 1\tAllele 2\r\n"
    body = "".join(f"S{i}\tVWA\t16\t17\r\nS{i}\tTH01\t9.3\tOL\r\n" for i in range(3))
    result = read_genemapper((header + body).encode(), name="t.txt")
    assert [p.id for p in result.profiles] == ["S0", "S1", "S2"]
    assert all(p.genotypes == {"vWA": Genotype(16, 17), "TH01": Genotype("9.3", "OL")}
               for p in result.profiles)
    # The off-ladder call is never cached as clean: one warning per row, with its line.
    assert [(p.line, p.sample, p.marker, p.value) for p in result.warnings] == [
        (3, "S0", "TH01", "OL"), (5, "S1", "TH01", "OL"), (7, "S2", "TH01", "OL")]


@pytest.mark.parametrize("data", [b"Sample Name\tMarker\tAllele 1\r\nS1\tvWA\t16\r\n",
                                  b"Sample Name\tMarker\tAllele 1\r\nS1\tvWA\tabc\r\n"])
def test_cyclic_gc_is_restored_after_a_read(data: bytes) -> None:
    assert gc.isenabled()
    with contextlib.suppress(FileFormatError):
        read_genemapper(data, name="t.txt")
    assert gc.isenabled()
    gc.disable()
    try:
        read_genemapper(b"Sample Name\tMarker\tAllele 1\r\nS1\tvWA\t16\r\n", name="t.txt")
        assert not gc.isenabled()  # a caller's pause is left alone
    finally:
        gc.enable()


def test_clean_call_answers_only_for_clean_calls_read_before() -> None:
    assembler = ProfileAssembler(ProblemLog("t.txt"))
    assert assembler.clean_call("VWA", ["16", "17"]) is None  # not read yet
    assembler.start_sample("S1", line=2)
    assembler.add("S1", "VWA", ["16", "17"], line=2)
    assembler.add("S1", "TH01", ["9.3", "OL"], line=3)
    assert assembler.clean_call("VWA", ["16", "17"]) == ("vWA", Genotype(16, 17))
    assert assembler.clean_call("TH01", ["9.3", "OL"]) is None  # off-ladder: warn each time
    assert assembler.clean_call("VWA", ["16", "17", "18"]) is None
    where, genotypes = assembler.calls("S1")
    assert where == {"vWA": 2, "TH01": 3}
    assert genotypes == {"vWA": Genotype(16, 17), "TH01": Genotype("9.3", "OL")}


def test_assembled_profiles_equal_validated_ones() -> None:
    assembler = ProfileAssembler(ProblemLog("t.txt"), allow_unknown_markers=True)
    assembler.start_sample("S1", line=2)
    assembler.add("S1", "PENTA_E", ["7", "12"], line=2)
    assembler.add("S1", " custom locus ", ["3"], line=3)
    [profile] = assembler.profiles()
    expected = Profile("S1", {"Penta E": Genotype(7, 12), "custom locus": Genotype(3, 3)})
    assert profile == expected
    assert hash(profile) == hash(expected)
    assert profile.genotype("penta e") == Genotype(7, 12)

"""Allele designations: parsing, canonical text, order, errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reunite.errors import AlleleError, InputError
from reunite.genetics.alleles import Allele, AlleleKind, parse_allele
from strategies import allele_texts, alleles


class TestParseAlleleExamples:
    @pytest.mark.parametrize(
        ("raw", "text", "kind", "repeats"),
        [
            ("9", "9", AlleleKind.REPEAT, 9.0),
            (9, "9", AlleleKind.REPEAT, 9.0),
            (" 10 ", "10", AlleleKind.REPEAT, 10.0),
            ("09", "9", AlleleKind.REPEAT, 9.0),
            ("9.0", "9", AlleleKind.REPEAT, 9.0),
            (9.0, "9", AlleleKind.REPEAT, 9.0),
            ("9.3", "9.3", AlleleKind.MICROVARIANT, 9.3),
            (9.3, "9.3", AlleleKind.MICROVARIANT, 9.3),
            (13.2, "13.2", AlleleKind.MICROVARIANT, 13.2),
            ("x", "X", AlleleKind.AMELOGENIN, None),
            ("Y", "Y", AlleleKind.AMELOGENIN, None),
            ("ol", "OL", AlleleKind.OFF_LADDER, None),
            ("<8", "<8", AlleleKind.OFF_LADDER, None),
            ("< 8", "<8", AlleleKind.OFF_LADDER, None),
            (">30", ">30", AlleleKind.OFF_LADDER, None),
            ("30.X", "30.x", AlleleKind.OFF_LADDER, None),
        ],
    )
    def test_parse_allele__designations(
        self, raw: str | int | float, text: str, kind: AlleleKind, repeats: float | None
    ) -> None:
        allele = parse_allele(raw)

        assert text == allele.text
        assert kind is allele.kind
        assert repeats == allele.repeats
        assert text == str(allele)

    def test_parse_allele__equal_spellings_are_equal_and_hash_alike(self) -> None:
        assert parse_allele(9) == parse_allele(" 09 ") == Allele("9.0")
        assert len({parse_allele(9), parse_allele("9"), parse_allele(9.0)}) == 1

    def test_order__repeats_microvariants_and_off_ladder(self) -> None:
        texts = ["OL", "Y", "10", "X", ">30", "9.3", "30.x", "<8", "30", "9", "30.3", "8"]

        ordered = [a.text for a in sorted(parse_allele(t) for t in texts)]

        assert ordered == ["<8", "8", "9", "9.3", "10", "30", "30.3", "30.x", ">30", "X", "Y",
                "OL"]

    def test_order__nine_before_nine_point_three_before_ten(self) -> None:
        assert parse_allele("9") < parse_allele("9.3") < parse_allele("10")
        assert parse_allele("X") < parse_allele("Y")
        assert parse_allele("10") > parse_allele("9.3")
        assert parse_allele("10") >= parse_allele("10")


class TestParseAlleleErrors:
    @pytest.mark.parametrize(
        "raw", ["abc", "-3", "9.9.9", "", "   ", "9.10", "0", "1e3", "9,3", "<", "Z", -3, 0,
                9.35, float("nan")],
    )
    def test_parse_allele__garbage_raises_naming_the_value(self, raw: object) -> None:
        with pytest.raises(AlleleError) as info:
            parse_allele(raw)  # type: ignore[arg-type]

        assert raw == info.value.value or (raw != raw and info.value.value != info.value.value)
        assert isinstance(info.value, InputError)

    def test_parse_allele__bool_is_not_an_allele(self) -> None:
        with pytest.raises(AlleleError):
            parse_allele(True)

    def test_parse_allele__marker_is_named(self) -> None:
        with pytest.raises(AlleleError) as info:
            parse_allele("abc", marker="TH01")

        assert info.value.marker == "TH01"
        assert "TH01" in str(info.value)
        assert "'abc'" in str(info.value)


class TestAlleleProperties:
    @given(allele_texts)
    def test_round_trip__canonical_text_parses_to_itself(self, text: str) -> None:
        allele = parse_allele(text)

        assert text == allele.text
        assert allele == parse_allele(allele.text)
        assert allele == parse_allele(f"  {allele.text}\t")

    @given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=9))
    def test_round_trip__float_input(self, whole: int, part: int) -> None:
        value = whole + part / 10

        allele = parse_allele(value)

        assert pytest.approx(value) == allele.repeats
        assert parse_allele(str(value)) == allele

    @given(alleles, alleles)
    def test_order__total_and_consistent_with_equality(self, a: Allele, b: Allele) -> None:
        assert (a < b) + (a == b) + (a > b) == 1
        assert (a <= b) == (not a > b)

    @given(alleles, alleles, alleles)
    def test_order__transitive(self, a: Allele, b: Allele, c: Allele) -> None:
        if a <= b and b <= c:
            assert a <= c

    @given(st.lists(alleles.filter(lambda a: a.repeats is not None), min_size=2))
    def test_order__numeric_alleles_follow_repeat_value(self, values: list[Allele]) -> None:
        ordered = sorted(values)

        assert [a.repeats for a in ordered] == sorted(a.repeats for a in values)  # type: ignore[type-var]

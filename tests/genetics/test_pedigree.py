"""Pedigree validation (every problem collected) and builders."""

from __future__ import annotations

import pytest

from reunite.errors import PedigreeError
from reunite.genetics.pedigree import (
    Pedigree,
    Person,
    avuncular,
    first_cousins,
    full_siblings,
    grandparent,
    half_siblings,
    nuclear_family,
    singletons,
)


class TestPedigreeErrors:
    def test_validate__collects_every_problem(self) -> None:
        persons = (
            Person("A", None, None, "female"),
            Person("A", None, None, "male"),          # duplicate id
            Person("B", "A", "X", "male"),            # female father, unknown mother
            Person("C", "A", None, "male"),           # one parent
            Person("D", None, None, "robot"),         # bad sex
        )

        with pytest.raises(PedigreeError) as info:
            Pedigree(persons)

        messages = [p.message for p in info.value.problems]
        assert any("duplicate" in m for m in messages)
        assert any("unknown mother" in m for m in messages)
        assert any("only one parent" in m for m in messages)
        assert any("sex must be" in m for m in messages)
        assert len(info.value.problems) >= 4

    def test_validate__female_father_and_male_mother(self) -> None:
        persons = (Person("F", None, None, "female"), Person("M", None, None, "male"),
                   Person("C", "F", "M", "male"))

        with pytest.raises(PedigreeError) as info:
            Pedigree(persons)

        text = str(info.value)
        assert "father 'F' is female" in text
        assert "mother 'M' is male" in text

    def test_validate__cycle(self) -> None:
        persons = (Person("A", "B", "W", "male"), Person("W", None, None, "female"),
                   Person("B", "A", "W", "male"))

        with pytest.raises(PedigreeError) as info:
            Pedigree(persons)

        assert any("cycle" in p.message for p in info.value.problems)
        assert {p.sample for p in info.value.problems if "cycle" in p.message} == {"A", "B"}


class TestPedigreeBuilders:
    def test_nuclear_family__indices(self) -> None:
        ped = nuclear_family(("C1", "C2"))

        assert ped.ids == ("FA", "MO", "C1", "C2")
        assert ped.fidx == (-1, -1, 0, 0)
        assert ped.midx == (-1, -1, 1, 1)
        assert ped.founders == ("FA", "MO")

    def test_components__unrelated_singletons(self) -> None:
        ped = singletons("A", "B", "C")

        assert len(ped.components()) == 3

    def test_add_parents_and_sibling(self) -> None:
        ped = singletons("A", sexes=["male"]).add_parents("A").add_sibling("A", "S",
                                                                            sex="female")

        assert ped.person("S").father == ped.person("A").father
        assert ped.person("S").mother == ped.person("A").mother
        assert len(ped.components()) == 1

    def test_add_sibling__paternal_half(self) -> None:
        ped = nuclear_family(("A",)).add_sibling("A", "H", half="paternal")

        assert ped.person("H").father == "FA"
        assert ped.person("H").mother != "MO"

    def test_add_child_returns_new_pedigree(self) -> None:
        ped = nuclear_family(("A",), child_sexes=["male"])
        bigger = ped.add_person(Person("W", None, None, "female")).add_child("K", "A", "W")

        assert "K" not in ped
        assert bigger.person("K").father == "A"

    @pytest.mark.parametrize("builder", [full_siblings, half_siblings, grandparent, avuncular,
                                         first_cousins])
    def test_builders__contain_a_and_b_in_one_component(self, builder: object) -> None:
        ped = builder()  # type: ignore[operator]

        assert "A" in ped
        assert "B" in ped
        assert len(ped.components()) == 1

    def test_relabel__changes_ids_keeps_structure(self) -> None:
        ped = full_siblings()
        renamed = ped.relabel({"A": "X", "FA": "DAD"})

        assert renamed.ids != ped.ids
        assert renamed.person("X").father == "DAD"
        assert renamed.fidx == ped.fidx

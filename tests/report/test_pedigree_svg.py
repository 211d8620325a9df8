"""Pedigree chart: symbols, fills, the missing person, the candidate, layout and escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from reunite.genetics.pedigree import Pedigree, Person
from reunite.report.pedigree_layout import layout_pedigree
from reunite.report.pedigree_svg import TYPED_FILL, pedigree_svg

NS = {"s": "http://www.w3.org/2000/svg"}


def three_generations() -> Pedigree:
    return Pedigree((
        Person("GF", None, None, "male"), Person("GM", None, None, "female"),
        Person("FA", "GF", "GM", "male"), Person("MO", None, None, "female"),
        Person("AU", "GF", "GM", "female"),
        Person("MP", "FA", "MO", "unknown"), Person("SIB", "FA", "MO", "male"),
    ))


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def person_groups(root: ET.Element) -> dict[str, ET.Element]:
    out = {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        if "person" in g.get("class", "").split():
            out[g.findtext("s:title", namespaces=NS) or ""] = g
    return out


def test_pedigree_svg__standard_symbols_and_fills() -> None:
    svg = pedigree_svg(three_generations(), title="Case 1", description="A family",
                       typed=["FA", "SIB"], missing="MP")
    root = parse(svg)
    groups = person_groups(root)

    assert root.findtext("s:title", namespaces=NS) == "Case 1"
    assert root.findtext("s:desc", namespaces=NS) == "A family"
    assert root.get("role") == "img"
    assert len(root.findall(".//s:rect[@class='symbol male']", NS)) == 3
    assert len(root.findall(".//s:circle[@class='symbol female']", NS)) == 3
    # the missing person (unknown sex): a diamond with a double outline and a "?"
    missing = groups["MP ?"]
    assert len(missing.findall("s:polygon", NS)) == 2
    assert "?" in [t.text for t in missing.findall("s:text", NS)]
    assert groups["FA"].find("s:rect", NS).get("fill") == TYPED_FILL  # type: ignore[union-attr]
    assert groups["GF"].find("s:rect", NS).get("fill") == "#ffffff"  # type: ignore[union-attr]
    assert len(root.findall(".//s:line[@class='mating']", NS)) == 2
    assert len(root.findall(".//s:line[@class='child']", NS)) - 1 == 3  # 4 children


def test_pedigree_svg__candidate_placed_and_exclusion_highlighted() -> None:
    svg = pedigree_svg(three_generations(), title="t", description="d", missing="MP",
                       candidate="UHR-9", highlighted=["FA"])
    root = parse(svg)
    groups = person_groups(root)

    assert "= UHR-9" in [t.text for t in groups["MP ?"].findall("s:text", NS)]
    assert "candidate" in groups["MP ?"].get("class", "")
    assert "excluded" in groups["FA"].get("class", "")


def test_pedigree_svg__interactive_and_escaped() -> None:
    svg = pedigree_svg(three_generations(), title="<t>", description="d&d",
                       labels={"GF": "Grand <father>"}, interactive=True, chart_id="c2")
    root = parse(svg)
    groups = person_groups(root)

    assert root.findtext("s:title", namespaces=NS) == "<t>"
    assert root.get("aria-labelledby") == "c2-title c2-desc"
    assert root.get("role") == "group"
    grandfather = groups["Grand <father>"]
    assert (grandfather.get("tabindex"), grandfather.get("role"),
                                     grandfather.get("data-person-id")) == ("0", "button", "GF")


def test_layout_pedigree__generations_and_partners() -> None:
    layout = layout_pedigree(three_generations())
    y = {pid: pos[1] for pid, pos in layout.positions.items()}
    x = {pid: pos[0] for pid, pos in layout.positions.items()}

    assert y["GF"] == y["GM"] < y["FA"] == y["MO"] == y["AU"] < y["MP"] == y["SIB"]
    assert abs(x["MO"] - x["FA"]) < abs(x["AU"] - x["MO"]) or x["MO"] > x["FA"]
    assert len(set(layout.positions.values())) == 7
    assert {0, 1, 2} == set(layout.generations.values())


@st.composite
def pedigrees(draw: st.DrawFn) -> Pedigree:
    """Random valid pedigrees: founders of either sex and children of any man and woman."""
    persons = [Person("P0", None, None, "male"), Person("P1", None, None, "female")]
    for n in range(2, draw(st.integers(min_value=2, max_value=12))):
        men = [p.id for p in persons if p.sex == "male"]
        women = [p.id for p in persons if p.sex == "female"]
        sex = draw(st.sampled_from(["male", "female", "unknown"]))
        if draw(st.booleans()) or not men or not women:
            persons.append(Person(f"P{n}", None, None, "male" if sex == "unknown" else sex))
        else:
            persons.append(Person(f"P{n}", draw(st.sampled_from(men)),
                                  draw(st.sampled_from(women)), sex))
    return Pedigree(tuple(persons))


@given(pedigrees())
def test_layout_pedigree__every_person_placed_apart_and_below_parents(ped: Pedigree) -> None:
    layout = layout_pedigree(ped)
    pos = layout.positions

    assert set(pos) == set(ped.ids)
    assert len(set(pos.values())) == len(ped)
    for p in ped.persons:
        if p.father is not None and p.mother is not None:
            assert pos[p.id][1] > max(pos[p.father][1], pos[p.mother][1])
    for c in layout.couples:
        assert layout.bar_y(c) < min(pos[k][1] for k in c.children)
        assert layout.bar_y(c) > max(pos[c.father][1], pos[c.mother][1])
    assert all(0 < x < layout.width and 0 < y < layout.height for x, y in pos.values())


def test_layout_pedigree__partners_from_two_families_meet() -> None:
    ped = Pedigree((
        Person("GF1", None, None, "male"), Person("GM1", None, None, "female"),
        Person("GF2", None, None, "male"), Person("GM2", None, None, "female"),
        Person("U1", "GF1", "GM1", "female"), Person("F", "GF1", "GM1", "male"),
        Person("M", "GF2", "GM2", "female"), Person("A2", "GF2", "GM2", "male"),
        Person("MP", "F", "M", "unknown"), Person("S1", "F", "M", "female"),
    ))
    layout = layout_pedigree(ped)
    x = {pid: pos[0] for pid, pos in layout.positions.items()}

    # F and M stand side by side, each at the edge of their own sibship.
    assert abs(x["F"] - x["M"]) == 120.0
    assert x["U1"] < x["F"] < x["M"] < x["A2"]
    assert min(x["MP"], x["S1"]) < (x["F"] + x["M"]) / 2 < max(x["MP"], x["S1"])

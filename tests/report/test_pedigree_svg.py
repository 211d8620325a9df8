"""Pedigree chart: symbols, fills, the missing person, the candidate, layout and escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

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

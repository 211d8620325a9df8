"""Where each person of a pedigree goes on a chart: generations in rows, couples side by side.

A pure function of the pedigree, shared by the SVG chart (:mod:`.pedigree_svg`) and the
PDF figure (:mod:`.pdf`), so both draw the same picture.

The method is the usual hand-drawing convention (Bennett et al., *Standardized human
pedigree nomenclature*, J Genet Counsel 2008): a child sits one generation below its
lower parent; a founder who married in sits in the generation of their partner; partners
are side by side joined by a mating line; the children of a couple hang from a sibship
line below the midpoint of the mating line. Within a row, persons are ordered by the
position of their parents (so siblings stay together) and pushed right only as far as the
minimum spacing needs. No crossing minimisation beyond that: case pedigrees are small.
"""

from __future__ import annotations

from dataclasses import dataclass

from reunite.genetics.pedigree import Pedigree

__all__ = ["Couple", "PedigreeLayout", "layout_pedigree"]

SYMBOL = 36.0
"""Side of a symbol, in chart units (pixels in the SVG, points in the PDF)."""
H_GAP = 84.0
V_GAP = 110.0
MARGIN = 40.0


@dataclass(frozen=True)
class Couple:
    """Two parents and their children (in pedigree order)."""

    father: str
    mother: str
    children: tuple[str, ...]


@dataclass(frozen=True)
class PedigreeLayout:
    """Centre ``(x, y)`` of each person, the couples, and the chart size (y grows downwards)."""

    positions: dict[str, tuple[float, float]]
    generations: dict[str, int]
    couples: tuple[Couple, ...]
    width: float
    height: float
    symbol: float = SYMBOL


def _generations(pedigree: Pedigree) -> dict[str, int]:
    gen = dict.fromkeys(pedigree.ids, 0)
    # A fixed point: children below their lower parent; married-in founders level with the
    # partner. Each pass can only increase values, bounded by the number of persons.
    for _ in range(2 * len(pedigree) + 2):
        changed = False
        for p in pedigree.persons:
            if p.father is not None and p.mother is not None:
                want = max(gen[p.father], gen[p.mother]) + 1
                if gen[p.id] < want:
                    gen[p.id], changed = want, True
        for p in pedigree.persons:
            if p.father is not None and p.mother is not None:
                f, m = pedigree.person(p.father), pedigree.person(p.mother)
                for a, b in ((f, m), (m, f)):
                    if a.is_founder and gen[a.id] < gen[b.id]:
                        gen[a.id], changed = gen[b.id], True
        if not changed:
            break
    return gen


def _couples(pedigree: Pedigree) -> tuple[Couple, ...]:
    children: dict[tuple[str, str], list[str]] = {}
    for p in pedigree.persons:
        if p.father is not None and p.mother is not None:
            children.setdefault((p.father, p.mother), []).append(p.id)
    return tuple(Couple(f, m, tuple(c)) for (f, m), c in children.items())


def layout_pedigree(pedigree: Pedigree) -> PedigreeLayout:
    """Place every person of ``pedigree`` (see the module docstring for the convention)."""
    gen = _generations(pedigree)
    couples = _couples(pedigree)
    partners: dict[str, list[str]] = {pid: [] for pid in pedigree.ids}
    for c in couples:
        partners[c.father].append(c.mother)
        partners[c.mother].append(c.father)
    order = {pid: i for i, pid in enumerate(pedigree.ids)}
    x: dict[str, float] = {}
    n_rows = max(gen.values(), default=0) + 1
    step = SYMBOL + H_GAP
    for row in range(n_rows):
        members = [pid for pid in pedigree.ids if gen[pid] == row]
        anchored = [pid for pid in members if pid not in x]

        def desired(pid: str) -> float:
            p = pedigree.person(pid)
            if p.father is not None and p.mother is not None:
                return (x.get(p.father, 0.0) + x.get(p.mother, 0.0)) / 2.0
            return float(order[pid]) * step

        # Persons with parents lead; a married-in founder follows their partner.
        leaders = sorted((pid for pid in anchored if not pedigree.person(pid).is_founder),
                         key=lambda pid: (desired(pid), order[pid]))
        if row == 0 or not leaders:
            leaders = sorted(anchored, key=lambda pid: order[pid])
        sequence: list[str] = []
        for pid in leaders:
            if pid in sequence:
                continue
            sequence.append(pid)
            for partner in partners[pid]:
                if partner in members and partner not in sequence and \
                        pedigree.person(partner).is_founder:
                    sequence.append(partner)
        sequence.extend(pid for pid in anchored if pid not in sequence)
        cursor = -1e18
        for pid in sequence:
            want = desired(pid) if not pedigree.person(pid).is_founder or row == 0 else cursor
            pos = max(want, cursor + step) if cursor > -1e17 else max(want, 0.0)
            x[pid] = pos
            cursor = pos
    min_x = min(x.values(), default=0.0)
    positions = {pid: (x[pid] - min_x + MARGIN + SYMBOL / 2,
                       MARGIN + SYMBOL / 2 + gen[pid] * V_GAP) for pid in pedigree.ids}
    width = max((p[0] for p in positions.values()), default=0.0) + SYMBOL / 2 + MARGIN
    height = MARGIN * 2 + SYMBOL + (n_rows - 1) * V_GAP + 24.0
    return PedigreeLayout(positions, gen, couples, width, height)

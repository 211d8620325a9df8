"""Where each person of a pedigree goes on a chart: generations in rows, couples side by side.

A pure function of the pedigree, shared by the SVG chart (:mod:`.pedigree_svg`) and the
PDF figure (:mod:`.pdf`), so both draw the same picture.

The method is the usual hand-drawing convention (Bennett et al., *Standardized human
pedigree nomenclature*, J Genet Counsel 2008): a child sits one generation below its
lower parent; a founder who married in sits in the generation of their partner; partners
are side by side joined by a mating line; the children of a couple hang from a sibship
line below the midpoint of the mating line. Rows are filled sibship by sibship, walking
the row above from left to right (:func:`_row_order`), each sibship centred under its
parents and pushed right only as far as the minimum spacing needs; sibship lines that
would overlap are staggered. No crossing minimisation beyond that: case pedigrees are
small.
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
    bars: dict[tuple[str, str], float] | None = None

    def bar_y(self, couple: Couple) -> float:
        """Height of the sibship line of ``couple``."""
        if self.bars is not None and (couple.father, couple.mother) in self.bars:
            return self.bars[(couple.father, couple.mother)]
        top = min(self.positions[k][1] for k in couple.children)
        return top - self.symbol / 2 - 22.0


def _generations(pedigree: Pedigree) -> dict[str, int]:
    """Row of each person: below their lower parent; a founder just above their first child.

    First the longest path from the founders (a DAG, so at most ``len`` passes); then each
    founder with children moves down to the row just above its highest child, which puts a
    married-in partner beside their spouse and keeps every child below both parents.
    """
    gen = dict.fromkeys(pedigree.ids, 0)
    for _ in range(len(pedigree) + 1):
        changed = False
        for p in pedigree.persons:
            if p.father is not None and p.mother is not None:
                want = max(gen[p.father], gen[p.mother]) + 1
                if gen[p.id] < want:
                    gen[p.id], changed = want, True
        if not changed:
            break
    for p in pedigree.persons:
        kids = pedigree.children(p.id)
        if p.is_founder and kids:
            gen[p.id] = min(gen[k] for k in kids) - 1
    return gen


def _couples(pedigree: Pedigree) -> tuple[Couple, ...]:
    children: dict[tuple[str, str], list[str]] = {}
    for p in pedigree.persons:
        if p.father is not None and p.mother is not None:
            children.setdefault((p.father, p.mother), []).append(p.id)
    return tuple(Couple(f, m, tuple(c)) for (f, m), c in children.items())


def _row_order(pedigree: Pedigree, couples: tuple[Couple, ...], gen: dict[str, int]
               ) -> list[list[tuple[list[str], tuple[str, str] | None]]]:
    """Per generation, blocks of persons in drawing order with the couple they descend from.

    Generation 0 is in pedigree order with partners side by side. A lower generation is
    built by walking the row above in order and appending each couple's children as one
    block (a sibship), ordered so that a child whose partner is already drawn comes first
    and a child whose partner is still to come goes last (so partners from two families
    meet in the middle); a married-in founder stands beside their partner, on the outer
    side of the sibship.
    """
    partners: dict[str, list[str]] = {pid: [] for pid in pedigree.ids}
    for c in couples:
        partners[c.father].append(c.mother)
        partners[c.mother].append(c.father)
    order = {pid: i for i, pid in enumerate(pedigree.ids)}
    founder = {pid: pedigree.person(pid).is_founder for pid in pedigree.ids}
    placed: set[str] = set()
    rows: list[list[tuple[list[str], tuple[str, str] | None]]] = []
    n_rows = max(gen.values(), default=0) + 1

    def married_in(pid: str, row: int) -> list[str]:
        return [q for q in partners[pid] if founder[q] and gen[q] == row and q not in placed]

    first: list[tuple[list[str], tuple[str, str] | None]] = []
    for pid in sorted((p for p in pedigree.ids if gen[p] == 0), key=order.__getitem__):
        if pid in placed:
            continue
        couple = [pid]
        placed.add(pid)
        for q in partners[pid]:
            if gen[q] == 0 and q not in placed:
                couple.append(q)
                placed.add(q)
        first.append((couple, None))
    rows.append(first)
    for row in range(1, n_rows):
        blocks: list[tuple[list[str], tuple[str, str] | None]] = []
        seen_couples: set[tuple[str, str]] = set()
        above = [pid for block, _ in rows[row - 1] for pid in block]
        for parent in above:
            for c in couples:
                key = (c.father, c.mother)
                if parent not in key or key in seen_couples:
                    continue
                seen_couples.add(key)
                kids = [k for k in c.children if gen[k] == row and k not in placed]
                if not kids:
                    continue

                def rank(k: str, row: int = row) -> tuple[int, int]:
                    spouses = [q for q in partners[k] if not founder[q] and gen[q] == row]
                    if any(q in placed for q in spouses):
                        return (0, order[k])
                    if spouses:
                        return (3, order[k])
                    return (2 if married_in(k, row) else 1, order[k])

                kids.sort(key=rank)
                block: list[str] = []
                for n, kid in enumerate(kids):
                    placed.add(kid)
                    spouses = married_in(kid, row)
                    placed.update(spouses)
                    if n == 0 and len(kids) > 1:
                        block.extend([*spouses, kid])
                    else:
                        block.extend([kid, *spouses])
                blocks.append((block, key))
        rest = [pid for pid in pedigree.ids if gen[pid] == row and pid not in placed]
        for pid in rest:  # persons not reached from above (e.g. unrelated components)
            if pid not in placed:
                placed.add(pid)
                spouses = married_in(pid, row)
                placed.update(spouses)
                blocks.append(([pid, *spouses], None))
        rows.append(blocks)
    return rows


def layout_pedigree(pedigree: Pedigree) -> PedigreeLayout:
    """Place every person of ``pedigree`` (see the module docstring for the convention)."""
    gen = _generations(pedigree)
    couples = _couples(pedigree)
    step = SYMBOL + H_GAP
    x: dict[str, float] = {}
    for blocks in _row_order(pedigree, couples, gen):
        cursor: float | None = None
        for block, parents in blocks:
            start = 0.0 if cursor is None else cursor + step
            if parents is not None and all(p in x for p in parents):
                middle = (x[parents[0]] + x[parents[1]]) / 2.0
                start = max(start, middle - (len(block) - 1) * step / 2.0) \
                    if cursor is not None else middle - (len(block) - 1) * step / 2.0
            for n, pid in enumerate(block):
                x[pid] = start + n * step
            cursor = x[block[-1]]
    min_x = min(x.values(), default=0.0)
    n_rows = max(gen.values(), default=0) + 1
    positions = {pid: (x[pid] - min_x + MARGIN + SYMBOL / 2,
                       MARGIN + SYMBOL / 2 + gen[pid] * V_GAP) for pid in pedigree.ids}
    width = max((p[0] for p in positions.values()), default=0.0) + SYMBOL / 2 + MARGIN
    height = MARGIN * 2 + SYMBOL + (n_rows - 1) * V_GAP + 24.0
    return PedigreeLayout(positions, gen, couples, width, height,
                          bars=_sibship_bars(positions, couples))


def _sibship_bars(positions: dict[str, tuple[float, float]], couples: tuple[Couple, ...]
                  ) -> dict[tuple[str, str], float]:
    """Height of each couple's sibship line; overlapping ones are staggered to stay apart."""
    bars: dict[tuple[str, str], float] = {}
    taken: dict[float, list[tuple[float, float, int]]] = {}
    for c in couples:
        kids = [positions[k] for k in c.children]
        mid = (positions[c.father][0] + positions[c.mother][0]) / 2.0
        xs = [k[0] for k in kids] + [mid]
        span = (min(xs), max(xs))
        top = min(y for _, y in kids)
        used = {level for lo, hi, level in taken.get(top, []) if lo <= span[1] and span[0] <= hi}
        level = next(n for n in range(len(couples) + 1) if n not in used)
        taken.setdefault(top, []).append((span[0], span[1], level))
        bars[(c.father, c.mother)] = top - SYMBOL / 2 - 22.0 - 10.0 * level
    return bars

"""Hypothesis strategies for small DVI problems (brute-force-sized)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from reunite.genetics.pedigree import Pedigree, Person
from reunite.stats.dvi import DVIProblem, Family, Victim
from reunite.stats.likelihood import Genotype, KinshipMarker
from reunite.stats.mutation import MutationModel

SEX = st.sampled_from(["male", "female", "unknown"])


@st.composite
def markers(draw: st.DrawFn, name: str, *, mutation: bool) -> KinshipMarker:
    n = draw(st.integers(2, 3))
    weights = draw(st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n))
    freqs = np.asarray(weights) / sum(weights)
    model = None
    if mutation and draw(st.booleans()):
        mats = []
        for _ in range(2):
            rate = draw(st.floats(0.0, 0.3))
            raw = np.asarray(draw(st.lists(st.floats(0.01, 1.0), min_size=n * n,
                                           max_size=n * n))).reshape(n, n)
            np.fill_diagonal(raw, 0.0)
            raw = raw / raw.sum(axis=1, keepdims=True) * rate
            np.fill_diagonal(raw, 1.0 - rate)
            mats.append(raw)
        model = MutationModel(female=mats[0], male=mats[1])
    return KinshipMarker(name, tuple(str(i + 1) for i in range(n)), freqs, model)


@st.composite
def genotype(draw: st.DrawFn, marker: KinshipMarker, *, allow_partial: bool = True
             ) -> Genotype | None:
    alleles = marker.alleles
    kind = draw(st.sampled_from(["full", "full", "full", "half", "none"]
                                if allow_partial else ["full"]))
    if kind == "none":
        return None
    a = draw(st.sampled_from(alleles))
    if kind == "half":
        return (a, None)
    return (a, draw(st.sampled_from(alleles)))


# Family templates: (persons as (id, father, mother, sex)), candidate missing persons.
TEMPLATES: list[tuple[list[tuple[str, str | None, str | None, str]], list[str]]] = [
    ([("FA", None, None, "male"), ("MO", None, None, "female"),
      ("CH", "FA", "MO", "unknown")], ["CH", "FA"]),
    ([("FA", None, None, "male"), ("MO", None, None, "female"),
      ("C1", "FA", "MO", "male"), ("C2", "FA", "MO", "female")], ["C1", "C2", "FA"]),
    ([("P", None, None, "female"), ("C", None, None, "male")], ["P", "C"]),
    ([("F", None, None, "male"), ("K", "F", None, "unknown")], ["F", "K"]),
]


@st.composite
def family(draw: st.DrawFn, index: int, mks: list[KinshipMarker]
           ) -> tuple[Family, dict[str, dict[str, Genotype | None]]]:
    persons, candidates = draw(st.sampled_from(TEMPLATES))
    prefix = f"F{index}_"
    recs = []
    for pid, fa, mo, sex in persons:
        recs.append(Person(prefix + pid, prefix + fa if fa else None,
                           prefix + mo if mo else None, sex))
    # Single parents get an untyped founder (a pedigree needs both or neither).
    fixed = []
    extra = []
    for p in recs:
        if p.father is not None and p.mother is None:
            extra.append(Person(p.id + "_MO", None, None, "female"))
            fixed.append(Person(p.id, p.father, p.id + "_MO", p.sex))
        else:
            fixed.append(p)
    ped = Pedigree((*fixed, *extra))
    k = draw(st.integers(1, min(2, len(candidates))))
    missing = tuple(prefix + m for m in draw(st.permutations(candidates))[:k])
    genotypes: dict[str, dict[str, Genotype | None]] = {}
    for pid in ped.ids:
        if pid in missing or pid.endswith("_MO") or not draw(st.booleans()):
            continue
        genotypes[pid] = {m.name: draw(genotype(m, allow_partial=False)) for m in mks}
    return Family(f"F{index}", ped, missing), genotypes


@st.composite
def dvi_problems(draw: st.DrawFn, *, mutation: bool = True, max_victims: int = 3,
                 max_families: int = 2) -> DVIProblem:
    n_markers = draw(st.integers(1, 2))
    mks = [draw(markers(f"L{i}", mutation=mutation)) for i in range(n_markers)]
    fams = []
    genotypes: dict[str, dict[str, Genotype | None]] = {}
    for f in range(draw(st.integers(1, max_families))):
        fam, g = draw(family(f, mks))
        fams.append(fam)
        genotypes.update(g)
    victims = []
    for i in range(draw(st.integers(1, max_victims))):
        vid = f"V{i + 1}"
        victims.append(Victim(vid, draw(SEX)))
        genotypes[vid] = {m.name: draw(genotype(m)) for m in mks}
    return DVIProblem("hypothesis", tuple(victims), tuple(fams), tuple(mks), genotypes)

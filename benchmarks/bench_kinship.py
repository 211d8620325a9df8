"""Kinship engine benchmarks; prints one JSON object on its last line.

1. Exact missing-person LR on a 10-person family pedigree with 3 typed relatives and a
   typed POI, 24 STR markers, stepwise mutation (female 0.001, male 0.003, rate2 1e-6,
   range 0.1): median wall time per LR (both hypotheses, all markers).
2. Missing-person genotype tables P(g | family) for 1,000 family pedigrees × 24 markers
   (no mutation; families of 4 shapes with different typed relatives and genotypes).
3. Drop-out: the exact LR of workload 1 (stepwise, and without mutation) with the POI a
   degraded sample (d = 0.3, d_hom = d², drop-in 0.05; its observed sets drawn from its
   genotypes by that model) and the sister S1 with drop-out 0.2, against the same LR
   without the model (CPU ms, median of 15; the ratio); and observation tables
   P(O | family) for 200 families against genotype tables for the same families.

Markers are synthetic but realistic: 24 loci with 8–22 alleles (integer ladders plus
microvariants), seeded Dirichlet frequencies.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from reunite.genetics.observation import DropoutModel
from reunite.genetics.pedigree import Pedigree, Person
from reunite.stats.likelihood import Genotype, GenotypeData, KinshipMarker
from reunite.stats.missing_person import (
    missing_person_genotype_table,
    missing_person_lr,
    missing_person_observation_table,
)
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix

RNG = np.random.default_rng(20261125)
N_MARKERS = 24


def make_markers(stepwise: bool) -> list[KinshipMarker]:
    markers = []
    for k in range(N_MARKERS):
        n_int = int(RNG.integers(8, 18))
        start = int(RNG.integers(5, 20))
        alleles = [str(start + i) for i in range(n_int)]
        for _ in range(int(RNG.integers(0, 5))):
            alleles.append(f"{start + int(RNG.integers(0, n_int))}.{int(RNG.integers(1, 4))}")
        alleles = sorted(set(alleles), key=float)
        freqs = RNG.dirichlet(np.full(len(alleles), 2.0))
        mutation = None
        if stepwise:
            fem = mutation_matrix(MutationSpec("stepwise", rate=0.001, rate2=1e-6, range=0.1),
                                  alleles, freqs)
            mal = mutation_matrix(MutationSpec("stepwise", rate=0.003, rate2=1e-6, range=0.1),
                                  alleles, freqs)
            mutation = MutationModel(female=fem, male=mal)
        markers.append(KinshipMarker(f"L{k}", tuple(alleles), freqs, mutation))
    return markers


def family_10() -> Pedigree:
    return Pedigree((
        Person("GF", None, None, "male"), Person("GM", None, None, "female"),
        Person("FA", "GF", "GM", "male"), Person("UN", "GF", "GM", "male"),
        Person("MO", None, None, "female"), Person("MP", "FA", "MO", "male"),
        Person("S1", "FA", "MO", "female"), Person("W", None, None, "female"),
        Person("CH", "MP", "W", "female"), Person("S2", "FA", "MO", "male"),
    ))


def gene_drop(ped: Pedigree, marker: KinshipMarker) -> dict[str, Genotype]:
    """Genotypes of everyone by Mendelian gene dropping (no mutation)."""
    alleles: dict[str, tuple[int, int]] = {}
    for person in ped.persons:  # parents come before children in family_10
        if person.father is None or person.mother is None:
            a, b = RNG.choice(marker.n_alleles, size=2, p=marker.frequencies)
        else:
            a = alleles[person.father][int(RNG.integers(0, 2))]
            b = alleles[person.mother][int(RNG.integers(0, 2))]
        alleles[person.id] = (int(a), int(b))
    return {pid: (marker.alleles[a], marker.alleles[b]) for pid, (a, b) in alleles.items()}


def random_genotype(marker: KinshipMarker) -> Genotype:
    a, b = RNG.choice(marker.n_alleles, size=2, p=marker.frequencies)
    return (marker.alleles[int(a)], marker.alleles[int(b)])


def bench_exact_lr() -> dict[str, float]:
    markers = make_markers(stepwise=True)
    family = family_10()
    typed = ("S1", "UN", "CH")
    drops = {m.name: gene_drop(family, m) for m in markers}
    data = {p: {m.name: drops[m.name][p] for m in markers} for p in typed}
    poi = {m.name: drops[m.name]["MP"] for m in markers}
    missing_person_lr(family, "MP", poi, data, markers)  # warm-up
    times = []
    cpu = []
    for _ in range(15):
        t0, c0 = time.perf_counter(), time.process_time()
        result = missing_person_lr(family, "MP", poi, data, markers)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    # CPU time is reported too: on a shared, loaded machine wall time mostly measures
    # the other processes.
    return {"exact_lr_10person_3typed_24markers_stepwise_ms": 1000 * statistics.median(times),
            "exact_lr_min_ms": 1000 * min(times),
            "exact_lr_cpu_median_ms": 1000 * statistics.median(cpu),
            "exact_lr_log10": float(result.log10_total_lr() or float("nan"))}


def bench_tables(n_families: int = 1000) -> dict[str, float]:
    markers = make_markers(stepwise=False)
    shapes = [
        (family_10(), ("S1", "UN", "CH")),
        (family_10(), ("MO", "S1")),
        (family_10(), ("FA", "MO")),
        (family_10(), ("GM", "S2", "CH")),
    ]
    families = []
    for i in range(n_families):
        ped, typed = shapes[i % len(shapes)]
        drops = {m.name: gene_drop(ped, m) for m in markers}
        data = {p: {m.name: drops[m.name][p] for m in markers} for p in typed}
        families.append((ped, data))
    t0, c0 = time.perf_counter(), time.process_time()
    for ped, data in families:
        missing_person_genotype_table(ped, "MP", data, markers)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return {"genotype_tables_1000_families_24_markers_s": elapsed,
            "genotype_tables_cpu_s": cpu,
            "genotype_table_per_family_ms": 1000 * elapsed / n_families}


def degrade(genotype: Genotype, d: float, rng: np.random.Generator) -> tuple[str, ...]:
    """The alleles seen of a genotype under drop-out d (d_hom = d²), no drop-in."""
    alleles = [x for x in genotype if x is not None]
    if len(set(alleles)) == 1:
        return (alleles[0],) if rng.random() >= d * d else ()
    return tuple(x for x in alleles if rng.random() >= d)


def _cpu_ms(run: Callable[[], object], repeats: int = 15) -> float:
    run()  # warm-up (plans cached)
    cpu = []
    for _ in range(repeats):
        c0 = time.process_time()
        run()
        cpu.append(time.process_time() - c0)
    return 1000 * statistics.median(cpu)


def bench_dropout(n_families: int = 200) -> dict[str, float]:
    rng = np.random.default_rng(15)
    family = family_10()
    typed = ("S1", "UN", "CH")
    dropout = {"POI": DropoutModel(0.3, drop_in=0.05), "S1": DropoutModel(0.2)}
    out: dict[str, float] = {}
    for label, stepwise in (("stepwise", True), ("nomut", False)):
        markers = make_markers(stepwise=stepwise)
        drops = {m.name: gene_drop(family, m) for m in markers}
        data: dict[str, dict[str, GenotypeData | None]] = {
            p: {m.name: drops[m.name][p] for m in markers} for p in typed}
        poi = {m.name: drops[m.name]["MP"] for m in markers}
        degraded_data: dict[str, dict[str, GenotypeData | None]] = {
            p: dict(g) for p, g in data.items()}
        degraded_data["S1"] = {m.name: degrade(drops[m.name]["S1"], 0.2, rng)
                               for m in markers}
        degraded_poi: dict[str, GenotypeData | None] = {
            m: degrade(g, 0.3, rng) for m, g in poi.items()}
        plain = _cpu_ms(partial(missing_person_lr, family, "MP", poi, data, markers))
        with_model = _cpu_ms(partial(missing_person_lr, family, "MP", degraded_poi,
                                     degraded_data, markers, dropout=dropout))
        out[f"exact_lr_{label}_cpu_ms"] = plain
        out[f"exact_lr_{label}_dropout_cpu_ms"] = with_model
        out[f"exact_lr_{label}_dropout_ratio"] = with_model / plain
    markers = make_markers(stepwise=False)
    families = []
    for i in range(n_families):
        typed_i = ("S1", "UN", "CH") if i % 2 else ("MO", "S1")
        drops = {m.name: gene_drop(family, m) for m in markers}
        families.append({p: {m.name: drops[m.name][p] for m in markers} for p in typed_i})
    c0 = time.process_time()
    for fam in families:
        missing_person_genotype_table(family, "MP", fam, markers)
    genotype_cpu = time.process_time() - c0
    c0 = time.process_time()
    for fam in families:
        missing_person_observation_table(family, "MP", fam, markers)
    observation_cpu = time.process_time() - c0
    out["genotype_table_cpu_ms_per_family"] = 1000 * genotype_cpu / n_families
    out["observation_table_cpu_ms_per_family"] = 1000 * observation_cpu / n_families
    return out


def main() -> None:
    out: dict[str, float] = {}
    out.update(bench_exact_lr())
    print(json.dumps(out), flush=True)
    out.update(bench_tables())
    print(json.dumps(out), flush=True)
    out.update(bench_dropout())
    print(json.dumps(out))


if __name__ == "__main__":
    main()

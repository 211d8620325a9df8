"""Joint DVI benchmarks; prints one JSON object on its last line.

1. dvir's planecrash (8 victims, 5 families, 15 STRs, proportional mutation 0.001): the
   Familias file ``Solution3_3.fam`` with every victim female, as dvir's data-raw script
   builds its ``planecrash`` dataset. Timed: the default solve (10 best assignments ranked
   exactly, every posterior bracketed, GLR of all 40 pairs, exclusions, undisputed) and the
   full table of all 19,081 assignments. The ratio is to dvir's ``dviJoint(planecrash)``:
   578 s as published in issue 18, or measured here side by side with ``--with-dvir``
   (needs ``Rscript`` with dvir; it also compares every assignment's log-likelihood).
2. Planecrash-sized simulated problems: 8 victims (5 of them the missing persons) × 5
   one-missing families, 15 STRs with Norwegian frequencies, stepwise mutation.
3. A 100-victim × 60-family problem: 45 families with one missing person, 12 with two,
   3 with three (78 missing); 70 missing persons are among the victims, 30 victims are
   unrelated to every family; same markers and mutation.

Peak memory is tracemalloc's peak (Python and numpy allocations) and the process's
maximum resident set size.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from reunite.genetics.pedigree import Pedigree, Person
from reunite.io.dvi import read_dvi
from reunite.io.frequencies import read_frequencies
from reunite.simulate import simulate_families, simulate_unrelated
from reunite.stats.dvi import DVIProblem, DVISolution, Family, Victim, solve_dvi
from reunite.stats.likelihood import Genotype, KinshipMarker
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PLANECRASH = SHARED / "dvir-dvi-examples" / "familias" / "Solution3_3.fam"
NORWAY = SHARED / "forrel-norwegian-frequencies" / "NorwegianFrequencies.csv"
DVIR_PUBLISHED_SECONDS = 578.0
N_MARKERS = 15


def measure(fn: Callable[[], Any], *, memory: bool = True) -> tuple[Any, float, int]:
    """Result, wall seconds and tracemalloc peak bytes of ``fn()`` (timed untraced; the
    peak comes from a second, traced run, since tracing slows Python code several-fold)."""
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    peak = 0
    if memory:
        tracemalloc.start()
        fn()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, seconds, peak


def planecrash() -> DVIProblem:
    problem = read_dvi(PLANECRASH)
    # dvir's data-raw/planecrash.R: setSex(founders, sex = 2) for the victims.
    return problem.replace(victims=tuple(Victim(v.id, "female") for v in problem.victims))


def dvir_side_by_side(problem: DVIProblem, table: DVISolution) -> dict[str, Any]:
    """Run dvir's dviJoint(planecrash) and compare every assignment's log-likelihood."""
    if shutil.which("Rscript") is None:
        return {"dvir": "Rscript not found"}
    check = subprocess.run(["Rscript", "-e", "suppressMessages(library(dvir))"],
                           capture_output=True, text=True, check=False)
    if check.returncode != 0:
        return {"dvir": "R package dvir not installed"}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "joint.csv"
        script = (
            "suppressMessages(library(dvir)); t0 = proc.time();"
            "j = dviJoint(planecrash, verbose = FALSE, progress = FALSE);"
            "t = proc.time() - t0;"
            f"write.csv(j, '{out}', row.names = FALSE);"
            "cat(t[['elapsed']], t[['user.self']], '\\n')")
        proc = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True,
                              check=True)
        elapsed, user = (float(x) for x in proc.stdout.split())
        rows = list(csv.DictReader(out.open()))
    # Labels: PM1..PM8 are dvir's V1..V8; "Family i/Missing person" is Mi.
    label = {f"Family {i}/Missing person": f"M{i}" for i in range(1, 6)}
    ours = {tuple(label.get(a.mapping[f"PM{i}"], "*") for i in range(1, 9)): a.loglik
            for a in table.assignments}
    worst = 0.0
    for row in rows:
        key = tuple(row[f"V{i}"] for i in range(1, 9))
        theirs = float(row["loglik"])
        mine = ours[key]
        if math.isinf(theirs) or math.isinf(mine):
            assert theirs == mine, (key, theirs, mine)
            continue
        worst = max(worst, abs(mine - theirs) / abs(theirs))
    return {"dvir_seconds_wall": elapsed, "dvir_seconds_cpu": user,
            "dvir_assignments": len(rows), "max_relative_loglik_difference": worst}


def bench_planecrash(with_dvir: bool) -> dict[str, Any]:
    problem = planecrash()
    runs = [measure(lambda: solve_dvi(problem), memory=k == 0) for k in range(3)]
    solution, _, peak = runs[0]
    seconds = statistics.median(r[1] for r in runs)
    table, all_seconds, all_peak = measure(lambda: solve_dvi(problem, enumerate_all=True))
    out: dict[str, Any] = {
        "n_assignments": solution.n_assignments,
        "solve_seconds": seconds, "solve_peak_mb": peak / 2**20,
        "enumerate_all_seconds": all_seconds, "enumerate_all_peak_mb": all_peak / 2**20,
        "complete": solution.complete, "timings": dict(solution.timings),
        "best_posterior": solution.best.posterior,
        "best_equals_full_table": solution.best.mapping == table.best.mapping,
    }
    dvir_seconds = DVIR_PUBLISHED_SECONDS
    if with_dvir:
        side = dvir_side_by_side(problem, table)
        out.update(side)
        dvir_seconds = side.get("dvir_seconds_cpu", dvir_seconds)
    out["dvir_seconds_used"] = dvir_seconds
    out["speedup_solve"] = dvir_seconds / seconds
    out["speedup_enumerate_all"] = dvir_seconds / all_seconds
    return out


# --- simulated problems -----------------------------------------------------------------

SHAPES: dict[str, tuple[tuple[tuple[str, str | None, str | None, str], ...],
                        tuple[str, ...], tuple[str, ...]]] = {
    # name: persons (id, father, mother, sex), typed references, missing persons
    "parents": ((("FA", None, None, "male"), ("MO", None, None, "female"),
                 ("MP", "FA", "MO", "?")), ("FA", "MO"), ("MP",)),
    "sibling": ((("FA", None, None, "male"), ("MO", None, None, "female"),
                 ("S", "FA", "MO", "female"), ("MP", "FA", "MO", "?")), ("FA", "S"), ("MP",)),
    "children": ((("MP", None, None, "male"), ("W", None, None, "female"),
                  ("C1", "MP", "W", "male"), ("C2", "MP", "W", "female")),
                 ("W", "C1", "C2"), ("MP",)),
    "two_sibs": ((("FA", None, None, "male"), ("MO", None, None, "female"),
                  ("S", "FA", "MO", "male"), ("M1", "FA", "MO", "?"),
                  ("M2", "FA", "MO", "?")), ("MO", "S"), ("M1", "M2")),
    "father_child": ((("MF", None, None, "male"), ("W", None, None, "female"),
                      ("C", "MF", "W", "female"), ("MC", "MF", "W", "?")),
                     ("W", "C"), ("MF", "MC")),
    "father_two": ((("GF", None, None, "male"), ("GM", None, None, "female"),
                    ("MF", "GF", "GM", "male"), ("W", None, None, "female"),
                    ("MC1", "MF", "W", "?"), ("MC2", "MF", "W", "?")),
                   ("GM", "W"), ("MF", "MC1", "MC2")),
}


def norwegian_markers() -> tuple[Any, list[KinshipMarker], dict[str, MutationModel]]:
    table = read_frequencies(NORWAY)
    names = table.markers[:N_MARKERS]
    markers = []
    models = {}
    for name in names:
        alleles = tuple(a.text for a in table.alleles(name))
        p = np.array([table.frequency(name, a) for a in table.alleles(name)])
        p = p / p.sum()
        fem = mutation_matrix(MutationSpec("stepwise", rate=0.001, rate2=1e-6, range=0.1),
                              alleles, p, marker=name)
        mal = mutation_matrix(MutationSpec("stepwise", rate=0.003, rate2=1e-6, range=0.1),
                              alleles, p, marker=name)
        models[name] = MutationModel(female=fem, male=mal)
        markers.append(KinshipMarker(name, alleles, p, models[name]))
    return table, markers, models


def simulate_problem(shapes: list[str], n_present: int, n_unrelated: int, seed: int
                     ) -> tuple[DVIProblem, dict[str, str]]:
    """Families of the given shapes; ``n_present`` missing persons and ``n_unrelated``
    others are the victims. Returns the problem and the truth victim → missing person."""
    rng = np.random.default_rng(seed)
    table, markers, models = norwegian_markers()
    names = [m.name for m in markers]
    families: list[Family] = []
    genotypes: dict[str, dict[str, Genotype | None]] = {}
    held: list[tuple[str, str, dict[str, Genotype | None]]] = []
    for j, shape in enumerate(shapes):
        persons, refs, missing = SHAPES[shape]
        prefix = f"F{j + 1:02d}:"
        sexes = {pid: (sex if sex != "?" else str(rng.choice(["male", "female"])))
                 for pid, _, _, sex in persons}
        ped = Pedigree(tuple(Person(prefix + pid, prefix + fa if fa else None,
                                    prefix + mo if mo else None, sexes[pid])
                             for pid, fa, mo, _ in persons))
        sim = simulate_families(ped, table, markers=names, mutation=models,
                                seed=int(rng.integers(2**31)))
        for pid in refs:
            genotypes[prefix + pid] = dict(sim.genotype_texts(0, prefix + pid))
        for pid in missing:
            held.append((prefix + pid, sexes[pid], dict(sim.genotype_texts(0, prefix + pid))))
        families.append(Family(f"F{j + 1:02d}", ped, tuple(prefix + m for m in missing)))
    chosen = rng.choice(len(held), size=n_present, replace=False)
    victims_data: list[tuple[str, dict[str, Genotype | None], str | None]] = [
        (held[i][1], held[i][2], held[i][0]) for i in chosen]
    others = simulate_unrelated(table, n_unrelated, markers=names,
                                seed=int(rng.integers(2**31)))
    for k in range(n_unrelated):
        victims_data.append((str(rng.choice(["male", "female"])),
                             dict(others.genotype_texts(k)), None))
    order = rng.permutation(len(victims_data))
    victims = []
    truth: dict[str, str] = {}
    for rank, i in enumerate(order):
        vid = f"V{rank + 1:03d}"
        sex, g, who = victims_data[i]
        victims.append(Victim(vid, sex))
        genotypes[vid] = g
        if who is not None:
            truth[vid] = who
    return DVIProblem(f"sim-{seed}", tuple(victims), tuple(families), tuple(markers),
                      genotypes), truth


def accuracy(solution: DVISolution, truth: dict[str, str]) -> dict[str, Any]:
    best = solution.best.mapping
    family = solution.problem.family_of
    correct = sum(1 for v, m in best.items() if m != "*" and truth.get(v) == m)
    wrong = [(v, m) for v, m in best.items() if m != "*" and truth.get(v) != m]
    # Two missing full siblings typed only through their relatives cannot be told apart:
    # a victim placed at its sibling's slot is right about the family.
    same_family = sum(1 for v, m in wrong if v in truth and family[truth[v]] == family[m])
    posts = [solution.pairing_min.get(v, m) for v, m in truth.items()]
    return {"true_identifications": len(truth), "found": correct,
            "swapped_within_family": same_family, "wrong": len(wrong) - same_family,
            "true_pairs_posterior_min_ge_0.99": sum(1 for p in posts if p >= 0.99),
            "true_pairs_posterior_min_median": statistics.median(posts) if posts else None}


def bench_planecrash_sized(n_problems: int = 5) -> dict[str, Any]:
    times = []
    all_times = []
    peaks = []
    found = 0
    truths = 0
    agree = True
    for seed in range(n_problems):
        shapes = [str(s) for s in np.random.default_rng(seed).choice(
            ["parents", "sibling", "children"], size=5)]
        problem, truth = simulate_problem(shapes, 5, 3, seed)
        solution, seconds, peak = measure(lambda p=problem: solve_dvi(p))
        table, all_seconds, _ = measure(lambda p=problem: solve_dvi(p, enumerate_all=True),
                                        memory=False)
        agree &= [a.loglik for a in solution.assignments] == [
            a.loglik for a in table.assignments[: len(solution.assignments)]] or all(
            math.isclose(a.loglik, b.loglik, rel_tol=1e-12)
            for a, b in zip(solution.assignments, table.assignments, strict=False))
        times.append(seconds)
        all_times.append(all_seconds)
        peaks.append(peak)
        acc = accuracy(solution, truth)
        found += acc["found"]
        truths += acc["true_identifications"]
    return {"problems": n_problems, "median_solve_seconds": statistics.median(times),
            "median_enumerate_all_seconds": statistics.median(all_times),
            "max_peak_mb": max(peaks) / 2**20, "true_identifications": truths,
            "found_in_best": found, "ranking_equals_full_table": agree}


def bench_100x60() -> dict[str, Any]:
    shapes = ["parents"] * 15 + ["sibling"] * 15 + ["children"] * 15 + \
        ["two_sibs"] * 6 + ["father_child"] * 6 + ["father_two"] * 3
    problem, truth = simulate_problem(shapes, 70, 30, 2026)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    solution, seconds, _ = measure(lambda: solve_dvi(problem, top=10), memory=False)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "victims": len(problem.victims), "families": len(problem.families),
        "missing": len(problem.missing_ids),
        "log10_n_assignments": math.log10(solution.n_assignments),
        "seconds": seconds, "max_rss_growth_mb": (rss_after - rss_before) / 1024,
        "timings": dict(solution.timings),
        "genotype_tables": solution.tables, "search_expansions": solution.expansions,
        "complete": solution.complete, "listed": len(solution.assignments),
        "log10_total_lr": [solution.log10_total_lr_min, solution.log10_total_lr_max],
        "unlisted_posterior_max": solution.unlisted_posterior_max,
        "best_posterior": [solution.best.posterior, solution.best.posterior_max],
        **accuracy(solution, truth),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--with-dvir", action="store_true",
                        help="run dvir's dviJoint(planecrash) side by side (≈10–20 min)")
    parser.add_argument("--skip-large", action="store_true", help="skip the 100 × 60 problem")
    args = parser.parse_args()
    results: dict[str, Any] = {"planecrash": bench_planecrash(args.with_dvir)}
    print("planecrash: done", file=sys.stderr)
    results["planecrash_sized"] = bench_planecrash_sized()
    print("planecrash-sized: done", file=sys.stderr)
    if not args.skip_large:
        results["dvi_100x60"] = bench_100x60()
    results["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(results))


if __name__ == "__main__":
    main()

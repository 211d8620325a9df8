"""Calibration benchmarks; prints one JSON object on its last line.

1. One family at 24 markers (NIST 1036 "All" frequencies: the CODIS 20 + Penta D,
   Penta E, D6S1043, F13A01), for each of the demo's four family shapes, without and with
   the installation's default mutation model (equal, 0.001): wall time of the genotype
   tables, exclusion power, P(LR ≥ 10⁴) under both hypotheses (relative error ≤ 1e-3),
   the database threshold for 0.01 chance matches in 100,000 profiles, the p-value of a
   simulated true missing person, and the LR distribution for a plot; and of the
   "which relative to sample next" ranking of the grandfather-and-uncle family.
2. 300 families like the demo's (75 of each shape, CODIS 20 markers, equal mutation
   0.001, simulated by gene dropping): total time of a full calibration of all of them
   at relative error 1e-3 and 1e-2, with what it finds per shape (power at 10⁴, expected
   chance matches in 100,000 profiles, weak families, database thresholds).
3. When R's forrel is installed (``Rscript -e 'library(forrel)'``), the same families
   side by side: forrel's ``missingPersonEP`` (exact exclusion power) and
   ``missingPersonIP`` (power at 10⁴ by simulation) against reunite's exact values.

    .venv/bin/python benchmarks/bench_calibration.py [--quick]

``--quick`` runs 40 families instead of 300 and fewer forrel simulations.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from reunite.demo import FAMILY_SHAPES, FamilyShape
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.kits import get_kit
from reunite.genetics.pedigree import Pedigree
from reunite.io.frequencies import read_nist_1036_frequencies
from reunite.simulate import simulate_families
from reunite.stats.calibration import (
    assess_family,
    calibrate,
    lr_distribution,
    outcomes_from_table,
    p_value,
)
from reunite.stats.likelihood import KinshipMarker
from reunite.stats.missing_person import missing_person_genotype_table
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix
from reunite.stats.sample_next import sample_next

SHARED = Path(os.environ.get("REUNITE_SHARED_DIR",
                             Path(__file__).resolve().parents[2] / "shared"))
NIST = SHARED / "data" / "nist-1036-us-population" / "nist1036_allele_frequencies.csv"
LEGACY = ("SE33", "Penta C", "F13B", "FESFPS", "LPL")
MUTATION = MutationSpec("equal", rate=0.001)
THRESHOLD = 1e4
DATABASE = 100_000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def kinship_markers(table: FrequencyTable, names: Sequence[str],
                    mutation: MutationSpec | None) -> list[KinshipMarker]:
    out = []
    for name in names:
        alleles = tuple(a.text for a in table.alleles(name))
        p = np.array([table.frequency(name, a) for a in table.alleles(name)])
        p = p / p.sum()
        model = None
        if mutation is not None:
            mat = mutation_matrix(mutation, alleles, p, marker=name)
            model = MutationModel(female=mat, male=mat, description=mutation.to_dict())
        out.append(KinshipMarker(name, alleles, p, model))
    return out


def timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def one_family(table: FrequencyTable, names: Sequence[str]) -> list[dict[str, Any]]:
    out = []
    for mutation in (None, MUTATION):
        markers = kinship_markers(table, names, mutation)
        for k, shape in enumerate(FAMILY_SHAPES):
            sim = simulate_families(shape.pedigree, table, n_families=1, markers=names,
                                    seed=100 + k, mutation=mutation)
            refs = {pid: sim.genotype_texts(0, pid) for pid in shape.typed}
            truth = sim.genotype_texts(0, shape.missing)
            gt, t_table = timed(lambda shape=shape, refs=refs, markers=markers:
                                missing_person_genotype_table(shape.pedigree, shape.missing,
                                                              refs, markers))
            outcomes = outcomes_from_table(gt)
            cal, t_cal = timed(lambda outcomes=outcomes: calibrate(
                outcomes, threshold=THRESHOLD, database_size=DATABASE))
            observed = {o.marker: float(o.log_lr()[_index(o, truth[o.marker])])
                        for o in outcomes}
            pv, t_p = timed(lambda outcomes=outcomes, observed=observed:
                            p_value(outcomes, observed))
            dist, t_plot = timed(lambda outcomes=outcomes: lr_distribution(outcomes))
            out.append({
                "shape": shape.name, "mutation": None if mutation is None else "equal-0.001",
                "markers": len(names), "seconds_tables": t_table,
                "seconds_calibrate": t_cal, "seconds_p_value": t_p, "seconds_plot": t_plot,
                "exclusion_power": cal.exclusion.total, "power": cal.power,
                "tail_probability": cal.tail_probability,
                "expected_chance_matches": cal.expected_chance_matches,
                "method": cal.tails.method.to_dict(),
                "database_threshold": cal.database.threshold if cal.database else None,
                "true_mp_log10_lr": math.fsum(observed.values()) / math.log(10),
                "true_mp_p_value": pv.h2.estimate, "plot_bins": len(dist.edges),
                "assessment": assess_family(cal).message})
            log(f"one family {shape.name} mutation={mutation is not None}: "
                f"{t_table + t_cal:.2f} s")
    return out


def _index(outcome: Any, genotype: tuple[str, str]) -> int:
    labels = outcome.labels
    a, b = genotype
    for candidate in (f"{a}/{b}", f"{b}/{a}"):
        if candidate in labels:
            return int(labels.index(candidate))
    raise KeyError(genotype)


def sampling(table: FrequencyTable, names: Sequence[str]) -> dict[str, Any]:
    shape = next(s for s in FAMILY_SHAPES if s.name == "grandfather and uncle")
    markers = kinship_markers(table, names, None)
    sim = simulate_families(shape.pedigree, table, n_families=1, markers=names, seed=7)
    refs = {pid: sim.genotype_texts(0, pid) for pid in shape.typed}
    plan, seconds = timed(lambda: sample_next(shape.pedigree, shape.missing, refs, markers,
                                              threshold=THRESHOLD, max_candidates=8))
    return {"shape": shape.name, "markers": len(names), "seconds": seconds,
            "candidates": len(plan.options), "power": plan.power.estimate,
            "ranking": [{"relation": o.candidate.relation, "power": o.power.estimate,
                         "exclusion_power": o.exclusion_power.estimate}
                        for o in plan.options]}


def demo_families(table: FrequencyTable, n_families: int) -> dict[str, Any]:
    names = [m for m in get_kit("CODIS").markers if m in table]
    markers = kinship_markers(table, names, MUTATION)
    per_shape = n_families // len(FAMILY_SHAPES)
    families: list[tuple[FamilyShape, dict[str, Any]]] = []
    for k, shape in enumerate(FAMILY_SHAPES):
        sim = simulate_families(shape.pedigree, table, n_families=per_shape, markers=names,
                                seed=2026 + k, mutation=MUTATION)
        for f in range(per_shape):
            families.append((shape, {pid: sim.genotype_texts(f, pid) for pid in shape.typed}))
    out: dict[str, Any] = {"families": len(families), "markers": len(names)}
    tables, t_tables = timed(lambda: [missing_person_genotype_table(
        s.pedigree, s.missing, refs, markers) for s, refs in families])
    out["seconds_tables"] = t_tables
    for rel in (1e-3, 1e-2):
        results, seconds = timed(lambda rel=rel: [calibrate(
            outcomes_from_table(t), threshold=THRESHOLD, database_size=DATABASE,
            relative_error=rel) for t in tables])
        summary: dict[str, Any] = {"seconds": seconds,
                                   "seconds_per_family": seconds / len(families)}
        for shape in FAMILY_SHAPES:
            mine = [c for (s, _), c in zip(families, results, strict=True) if s is shape]
            summary[shape.name] = {
                "mean_power": statistics.fmean(c.power for c in mine),
                "mean_expected_chance_matches": statistics.fmean(
                    c.expected_chance_matches or 0.0 for c in mine),
                "weak": sum(assess_family(c).weak for c in mine),
                "median_database_threshold": statistics.median(
                    c.database.threshold for c in mine if c.database is not None),
                "max_relative_error": max(c.tails.method.relative_error for c in mine)}
        out[f"relative_error_{rel:g}"] = summary
        log(f"{len(families)} demo families at relative error {rel:g}: {seconds:.1f} s")
    return out


R_SCRIPT = r"""
suppressMessages(library(forrel))
args <- commandArgs(trailingOnly = TRUE)
d <- jsonlite::fromJSON(args[1], simplifyVector = FALSE)
ids <- vapply(d$persons, function(p) p$id, "")
fid <- vapply(d$persons, function(p) if (is.null(p$father)) "0" else p$father, "")
mid <- vapply(d$persons, function(p) if (is.null(p$mother)) "0" else p$mother, "")
sex <- vapply(d$persons, function(p) p$sex, 0)
x <- ped(id = ids, fid = fid, mid = mid, sex = sex)
ms <- lapply(d$markers, function(m) {
  mk <- marker(x, alleles = unlist(m$alleles), afreq = unlist(m$frequencies), name = m$name)
  for (pid in names(m$genotypes)) genotype(mk, pid) <- unlist(m$genotypes[[pid]])
  mk
})
x <- setMarkers(x, ms)
t0 <- Sys.time()
ep <- missingPersonEP(x, missing = d$missing, verbose = FALSE)
t1 <- Sys.time()
ip <- missingPersonIP(x, missing = d$missing, nsim = d$nsim, threshold = d$threshold,
                      seed = 1, verbose = FALSE)
t2 <- Sys.time()
cat(jsonlite::toJSON(list(ep = ep$EPtotal, ep_per_marker = as.list(ep$EPperMarker),
    ep_seconds = as.numeric(t1 - t0, units = "secs"),
    ip = unname(ip$IP), ip_seconds = as.numeric(t2 - t1, units = "secs")), digits = NA,
    auto_unbox = TRUE), "\n")
"""


def forrel_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    proc = subprocess.run(["Rscript", "-e", "library(forrel); library(jsonlite)"],
                          capture_output=True, check=False, timeout=120)
    return proc.returncode == 0


def _sex(pedigree: Pedigree, pid: str) -> int:
    return {"male": 1, "female": 2}.get(pedigree.person(pid).sex, 0)


def forrel_side_by_side(table: FrequencyTable, names: Sequence[str], nsim: int
                        ) -> list[dict[str, Any]]:
    markers = kinship_markers(table, names, None)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "forrel.R"
        script.write_text(R_SCRIPT)
        for k, shape in enumerate(FAMILY_SHAPES):
            sim = simulate_families(shape.pedigree, table, n_families=1, markers=names,
                                    seed=300 + k)
            refs = {pid: sim.genotype_texts(0, pid) for pid in shape.typed}
            data = _forrel_input(shape.pedigree, shape.missing, refs, markers, nsim)
            path = Path(tmp) / f"case{k}.json"
            path.write_text(json.dumps(data))
            cal, seconds = timed(lambda shape=shape, refs=refs: calibrate(
                outcomes_from_table(missing_person_genotype_table(
                    shape.pedigree, shape.missing, refs, markers)),
                threshold=THRESHOLD, target_chance_matches=None))
            proc = subprocess.run(["Rscript", str(script), str(path)], capture_output=True,
                                  text=True, check=False, timeout=3600)
            if proc.returncode != 0:
                out.append({"shape": shape.name, "error": proc.stderr[-1000:]})
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            se = math.sqrt(max(r["ip"] * (1 - r["ip"]), 1e-12) / nsim)
            ours = cal.exclusion.per_marker
            raw = r["ep_per_marker"]
            theirs = ({m: float(v) for m, v in raw.items()} if isinstance(raw, dict) else
                      {m.name: float(v) for m, v in zip(markers, raw, strict=True)})
            # With both parents typed 1 − EP is ~1e-20: compare it, and every marker.
            out.append({
                "shape": shape.name, "markers": len(names), "nsim": nsim,
                "reunite_exclusion_power": cal.exclusion.total,
                "forrel_exclusion_power": r["ep"],
                "reunite_not_excluded": math.prod(1 - v for v in ours.values()),
                "forrel_not_excluded": math.prod(1 - v for v in theirs.values()),
                "exclusion_power_per_marker_max_relative_difference": max(
                    abs(ours[m] - theirs[m]) / max(theirs[m], 1e-300) if theirs[m] else
                    abs(ours[m]) for m in ours),
                "reunite_power": cal.power, "reunite_power_bounds": cal.tails.h1.to_dict(),
                "forrel_simulated_power": r["ip"], "forrel_power_standard_error": se,
                "difference_in_standard_errors": (r["ip"] - cal.power) / se,
                "reunite_seconds": seconds, "forrel_ep_seconds": r["ep_seconds"],
                "forrel_ip_seconds": r["ip_seconds"]})
            log(f"forrel {shape.name}: EP {r['ep']:.6g} vs {cal.exclusion.total:.6g}, "
                f"IP {r['ip']:.3f} vs {cal.power:.3f}")
    return out


def _forrel_input(pedigree: Pedigree, missing: str,
                  refs: Mapping[str, Mapping[str, tuple[str, str]]],
                  markers: Sequence[KinshipMarker], nsim: int) -> dict[str, Any]:
    return {
        "persons": [{"id": p.id, "father": p.father, "mother": p.mother,
                     "sex": _sex(pedigree, p.id)} for p in pedigree.persons],
        "missing": missing, "nsim": nsim, "threshold": THRESHOLD,
        "markers": [{"name": m.name, "alleles": list(m.alleles),
                     "frequencies": [float(v) for v in m.frequencies],
                     "genotypes": {pid: list(g[m.name]) for pid, g in refs.items()}}
                    for m in markers]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    table = read_nist_1036_frequencies(NIST)
    all29 = sorted(table.markers)
    names24 = [m for m in all29 if m not in LEGACY]
    out: dict[str, Any] = {"frequencies": table.name, "threshold": THRESHOLD,
                           "database_size": DATABASE}
    out["one_family_24_markers"] = one_family(table, names24)
    out["sample_next"] = sampling(table, names24)
    out["demo_families"] = demo_families(table, 40 if args.quick else 300)
    if forrel_available():
        out["forrel"] = forrel_side_by_side(table, names24, 100 if args.quick else 500)
    else:
        out["forrel"] = "not installed"
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

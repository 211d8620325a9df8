"""Adventitious kinship among the 1,036 unrelated people of the NIST U.S. population set,
and what calibration says about it.

Every unordered pair of people within one population group (AfAm 342, Cauc 361, Hisp 236,
Asian 97: 155,677 pairs) is scored as parent–child and as full siblings against
unrelated, framed as a missing-person search: the first person of the pair is the typed
reference of a family whose missing person (their child, or their full sibling) is the
other. Per reference, :func:`reunite.stats.missing_person.missing_person_genotype_table`
gives P(g | family) / P(g) for every genotype (markers: the 20 CODIS core loci; CODIS 20
+ Penta D, Penta E, D6S1043, F13A01 = 24; all 29), and every candidate is a table
look-up, equal to the exact engine's LR. Both relationships are symmetric, so each pair
is scored once. Runs: without mutation and with the installation's default mutation model
(equal, rate 0.001); with the frequencies of the pair's own group and with the pooled
"All" table (NIST 1036 counts, 5/2N minimum for unseen alleles).

For the largest LRs between these unrelated people it reports what reunite gives each:
the p-value P(LR ≥ observed | unrelated) and the expected chance matches (N × p) in the
reference's search of its group (N = group size − 1) and of 100,000 profiles, computed by
:func:`reunite.stats.calibration.p_value` on the reference's own family (exact or
bracketed, relative error ≤ 1e-3); the family's exclusion power; the same pair's LR on all
29 loci and the number of loci at which a parent and child would be Mendelian-inconsistent
(0 shared alleles); the LR under the pooled table (or the group's); and its sensitivity
to θ = 0 / 0.01 / 0.03 (exact engine with the Balding–Nichols correction). It also
summarises how much pooled frequencies inflate the LRs of the pairs of each group.

    .venv/bin/python validation/adventitious_kinship.py [--top 5]

Prints progress on stderr and one JSON object on the last line of stdout (committed as
``adventitious_kinship.result.json``). The data are read in place from
``../shared/data/nist-1036-us-population`` (``REUNITE_SHARED_DIR`` overrides ``../shared``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.kits import get_kit
from reunite.genetics.pedigree import Pedigree, Person
from reunite.genetics.profile import Profile
from reunite.io.frequencies import read_nist_1036_frequencies, read_nist_1036_genotypes
from reunite.stats.calibration import (
    exclusion_power,
    outcomes_from_table,
    p_value,
    tail_probabilities,
)
from reunite.stats.genotypes import genotype_index
from reunite.stats.likelihood import KinshipMarker
from reunite.stats.missing_person import missing_person_genotype_table, missing_person_lr
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix

SHARED = Path(os.environ.get("REUNITE_SHARED_DIR",
                             Path(__file__).resolve().parents[2] / "shared"))
DATA = SHARED / "data" / "nist-1036-us-population"
GROUPS = ("AfAm", "Cauc", "Hisp", "Asian")
LEGACY = ("SE33", "Penta C", "F13B", "FESFPS", "LPL")
FAMILIES = {
    # The reference REF and the missing person MP (the candidate's place).
    "parent-child": Pedigree((Person("REF", None, None, "male"),
                              Person("MO", None, None, "female"),
                              Person("MP", "REF", "MO", "unknown"))),
    "full-siblings": Pedigree((Person("FA", None, None, "male"),
                               Person("MO", None, None, "female"),
                               Person("REF", "FA", "MO", "unknown"),
                               Person("MP", "FA", "MO", "unknown"))),
}
MUTATIONS: dict[str, MutationSpec | None] = {
    "none": None, "equal-0.001": MutationSpec("equal", rate=0.001)}
THETAS = (0.0, 0.01, 0.03)
LN10 = math.log(10.0)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def kinship_markers(table: FrequencyTable, names: Sequence[str],
                    mutation: MutationSpec | None) -> list[KinshipMarker]:
    """The table's alleles and frequencies per marker, with the mutation model."""
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


def texts(profile: Profile, names: Sequence[str]) -> dict[str, tuple[str, str] | None]:
    out: dict[str, tuple[str, str] | None] = {}
    for name in names:
        g = profile.genotypes.get(name)
        out[name] = None if g is None else (g.alleles[0].text, g.alleles[-1].text)
    return out


def genotype_codes(people: Sequence[dict[str, tuple[str, str] | None]],
                   markers: Sequence[KinshipMarker]) -> np.ndarray:
    """int64 (people, markers): genotype_index of each person, -1 untyped."""
    codes = np.full((len(people), len(markers)), -1, dtype=np.int64)
    for k, marker in enumerate(markers):
        for i, person in enumerate(people):
            g = person[marker.name]
            if g is not None:
                codes[i, k] = genotype_index(marker.index[g[0]], marker.index[g[1]],
                                             marker.n_alleles)
    return codes


def pair_log_lrs(relationship: str, people: Sequence[dict[str, tuple[str, str] | None]],
                 markers: Sequence[KinshipMarker]) -> np.ndarray:
    """float64 (pairs i < j, markers): per-marker ln LR of j as i's relative."""
    family = FAMILIES[relationship]
    codes = genotype_codes(people, markers)
    n = len(people)
    rows = []
    for i in range(n - 1):
        table = missing_person_genotype_table(family, "MP", {"REF": people[i]}, markers)
        cand = codes[i + 1:]
        block = np.zeros(cand.shape)
        with np.errstate(divide="ignore"):
            for k in range(len(markers)):
                lr = np.log(table.family[k]) - np.log(table.unrelated[k])
                typed = cand[:, k] >= 0
                block[typed, k] = lr[cand[typed, k]]
        rows.append(block)
    return np.vstack(rows)


def pair_index(n: int) -> tuple[np.ndarray, np.ndarray]:
    i, j = np.triu_indices(n, k=1)
    return i, j


def shared_alleles(a: tuple[str, str] | None, b: tuple[str, str] | None) -> bool:
    return a is None or b is None or bool(set(a) & set(b))


def summarise(log_lr: np.ndarray) -> dict[str, Any]:
    finite = np.isfinite(log_lr)
    total = log_lr.size
    return {"pairs": int(total), "fraction_excluded": float(1 - finite.sum() / total),
            "fraction_lr_above_1": float((log_lr > 0).sum() / total),
            "pairs_lr_above_100": int((log_lr > 2 * LN10).sum()),
            "pairs_lr_above_10000": int((log_lr > 4 * LN10).sum()),
            "max_log10_lr": float(log_lr.max() / LN10) if finite.any() else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=5, help="pairs reported per run")
    args = parser.parse_args()
    start = time.perf_counter()
    profiles = read_nist_1036_genotypes(DATA / "nist1036_genotypes_wide.csv")
    rows = {line.split(",")[0]: line.split(",")[1] for line in (
        DATA / "nist1036_genotypes_wide.csv").read_text().splitlines()[1:]}
    tables = {pop: read_nist_1036_frequencies(DATA / "nist1036_allele_frequencies.csv",
                                              population=pop) for pop in ("All", *GROUPS)}
    all29 = sorted({m for p in profiles for m in p.genotypes})
    codis20 = [m for m in get_kit("CODIS").markers if m in all29]
    sets = {"codis20": codis20, "codis20+4": [m for m in all29 if m not in LEGACY],
            "all29": all29}
    groups = {g: [p for p in profiles if rows[p.id] == g] for g in GROUPS}
    people = {g: [texts(p, all29) for p in members] for g, members in groups.items()}
    column = {name: all29.index(name) for name in all29}
    out: dict[str, Any] = {
        "people": len(profiles), "groups": {g: len(m) for g, m in groups.items()},
        "pairs_within_groups": sum(len(m) * (len(m) - 1) // 2 for m in groups.values()),
        "marker_sets": sets, "mutation": {k: v.to_dict() if v else None
                                          for k, v in MUTATIONS.items()},
        "frequencies": {"group": "NIST 1036 <group>", "pooled": tables["All"].name},
        "runs": [], "pooled_vs_group": []}
    # ln LR per pair and marker, per (relationship, mutation, frequencies, group).
    store: dict[tuple[str, str, str, str], np.ndarray] = {}
    for relationship in FAMILIES:
        for mut_name, mutation in MUTATIONS.items():
            for freq in ("group", "pooled"):
                t = time.perf_counter()
                for g in GROUPS:
                    table = tables[g if freq == "group" else "All"]
                    markers = kinship_markers(table, all29, mutation)
                    store[relationship, mut_name, freq, g] = pair_log_lrs(
                        relationship, people[g], markers)
                log(f"{relationship}, mutation {mut_name}, {freq} frequencies: "
                    f"{time.perf_counter() - t:.0f} s")
    runs = [(r, m, f) for r in FAMILIES for m in MUTATIONS for f in ("group", "pooled")]
    for relationship, mut_name, freq in runs:
        for set_name, names in sets.items():
            cols = [column[m] for m in names]
            totals, where = [], []
            for g in GROUPS:
                s = store[relationship, mut_name, freq, g][:, cols].sum(axis=1)
                totals.append(s)
                i, j = pair_index(len(groups[g]))
                where.extend((g, int(a), int(b)) for a, b in zip(i, j, strict=True))
            flat = np.concatenate(totals)
            run: dict[str, Any] = {"relationship": relationship, "mutation": mut_name,
                                   "frequencies": freq, "markers": set_name,
                                   "n_markers": len(names), **summarise(flat), "top": []}
            order = [int(r) for r in np.argsort(flat)[::-1][:args.top]
                     if np.isfinite(flat[r])]
            for rank in order:
                g, a, b = where[int(rank)]
                run["top"].append(describe_pair(
                    relationship, mut_name, freq, g, a, b, names, all29, groups, people,
                    tables, store, column))
            out["runs"].append(run)
            best = run["top"][0] if run["top"] else None
            log(f"{relationship} {mut_name} {freq} {set_name}: max log10 LR "
                f"{run['max_log10_lr']}, pairs > 1e4: {run['pairs_lr_above_10000']}"
                + (f", p = {best['p_value']:.3g}" if best else ""))
    for relationship in FAMILIES:
        for mut_name in MUTATIONS:
            for set_name, names in sets.items():
                cols = [column[m] for m in names]
                for g in GROUPS:
                    own = store[relationship, mut_name, "group", g][:, cols].sum(axis=1)
                    pooled = store[relationship, mut_name, "pooled", g][:, cols].sum(axis=1)
                    both = np.isfinite(own) & np.isfinite(pooled)
                    ratio = (pooled[both] - own[both]) / LN10
                    strong = both & (own > 2 * LN10)
                    out["pooled_vs_group"].append({
                        "relationship": relationship, "mutation": mut_name,
                        "markers": set_name, "group": g,
                        "max_log10_inflation": float(ratio.max()) if ratio.size else None,
                        "median_log10_inflation": float(np.median(ratio))
                        if ratio.size else None,
                        "median_log10_inflation_lr_above_100": float(np.median(
                            (pooled[strong] - own[strong]) / LN10)) if strong.any() else None,
                        "max_log10_lr_group": _log10(float(own.max())),
                        "max_log10_lr_pooled": _log10(float(pooled.max()))})
    out["observed_vs_expected"] = observed_vs_expected(groups, people, tables, store,
                                                       column, sets["codis20"])
    out["seconds"] = time.perf_counter() - start
    print(json.dumps(_json_safe(out), allow_nan=False))
    return 0


def observed_vs_expected(groups: dict[str, list[Profile]],
                         people: dict[str, list[dict[str, tuple[str, str] | None]]],
                         tables: dict[str, FrequencyTable],
                         store: dict[tuple[str, str, str, str], np.ndarray],
                         column: dict[str, int], names: Sequence[str]) -> list[dict[str, Any]]:
    """Pairs above LR 100 and 10⁴ (CODIS 20, no mutation): counted, and expected from
    every reference's own P(LR ≥ t | unrelated), ½ Σ_i (n − 1) · P_i (each unordered
    pair once; relative error 1e-2 per reference)."""
    out = []
    cols = [column[m] for m in names]
    for relationship in FAMILIES:
        for freq in ("group", "pooled"):
            t0 = time.perf_counter()
            entry: dict[str, Any] = {"relationship": relationship, "frequencies": freq,
                                     "markers": "codis20", "mutation": "none"}
            for threshold in (1e2, 1e4):
                observed = expected = 0.0
                for g in GROUPS:
                    totals = store[relationship, "none", freq, g][:, cols].sum(axis=1)
                    observed += float((totals >= math.log(threshold)).sum())
                    markers = kinship_markers(tables[g if freq == "group" else "All"],
                                              names, None)
                    n = len(groups[g])
                    for ref in people[g]:
                        table = missing_person_genotype_table(
                            FAMILIES[relationship], "MP", {"REF": ref}, markers)
                        tail = tail_probabilities(outcomes_from_table(table), threshold,
                                                  relative_error=1e-2)
                        expected += 0.5 * (n - 1) * tail.h2.estimate
                entry[f"pairs_lr_at_least_{threshold:g}"] = {"observed": observed,
                                                              "expected": expected}
            out.append(entry)
            log(f"observed vs expected, {relationship}, {freq}: {entry} "
                f"({time.perf_counter() - t0:.0f} s)")
    return out


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def describe_pair(relationship: str, mut_name: str, freq: str, g: str, a: int, b: int,
                  names: Sequence[str], all29: Sequence[str],
                  groups: dict[str, list[Profile]],
                  people: dict[str, list[dict[str, tuple[str, str] | None]]],
                  tables: dict[str, FrequencyTable],
                  store: dict[tuple[str, str, str, str], np.ndarray],
                  column: dict[str, int]) -> dict[str, Any]:
    """One strong unrelated pair: LR, p-value, chance matches, 29 loci, pooled, θ."""
    n = len(groups[g])
    row = pair_row(a, b, n)
    ref, cand = people[g][a], people[g][b]
    mutation = MUTATIONS[mut_name]
    table = tables[g if freq == "group" else "All"]
    markers = kinship_markers(table, names, mutation)
    family = FAMILIES[relationship]
    per_marker = {m: float(store[relationship, mut_name, freq, g][row, column[m]])
                  for m in names if cand[m] is not None}
    genotype_table = missing_person_genotype_table(family, "MP", {"REF": ref}, markers)
    outcomes = outcomes_from_table(genotype_table, list(per_marker))
    p = p_value(outcomes, per_marker)
    log_lr = math.fsum(per_marker.values())
    other = "pooled" if freq == "group" else "group"
    cols = [column[m] for m in names]
    lr29 = float(store[relationship, mut_name, freq, g][row].sum())
    thetas = {}
    for theta in THETAS:
        result = missing_person_lr(family, "MP", {m: cand[m] for m in names},
                                   {"REF": {m: ref[m] for m in names}}, markers, theta=theta,
                                   poi_id="CAND")
        thetas[f"{theta:g}"] = result.log10_total_lr()
    return {
        "group": g, "pair": [groups[g][a].id, groups[g][b].id],
        "lr": math.exp(log_lr), "log10_lr": log_lr / LN10,
        "p_value": p.h2.estimate, "p_value_bounds": p.h2.to_dict(),
        "p_value_method": p.method.name, "p_value_relative_error": p.method.relative_error,
        "markov_bound": math.exp(-log_lr),
        "expected_chance_matches_in_group_search": (n - 1) * p.h2.estimate,
        "expected_chance_matches_in_100000": 1e5 * p.h2.estimate,
        "power_at_observed": p.h1.estimate,
        "family_exclusion_power": exclusion_power(outcomes).total,
        "log10_lr_all29": lr29 / LN10 if math.isfinite(lr29) else None,
        "excluded_at_29": not math.isfinite(lr29),
        "loci_without_shared_allele_of_29": sum(
            not shared_alleles(ref[m], cand[m]) for m in all29),
        f"log10_lr_{other}_frequencies": _log10(float(
            store[relationship, mut_name, other, g][row, cols].sum())),
        "log10_lr_by_theta": thetas,
    }


def _log10(value: float) -> float | None:
    return value / LN10 if math.isfinite(value) else None


def pair_row(a: int, b: int, n: int) -> int:
    """Row of the unordered pair (a < b) in :func:`pair_log_lrs`'s order."""
    return a * n - a * (a + 1) // 2 + (b - a - 1)


if __name__ == "__main__":
    raise SystemExit(main())

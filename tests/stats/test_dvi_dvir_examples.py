"""dvir's own DVI examples, solved and compared with dvir's results.

The datasets are read from ``../shared/data/dvir-dvi-examples`` (the converted tables, and
the Familias file of the plane crash); dvir's answers were computed with
``tests/data/dvi/generate.R`` (dvir 3.4.2) into ``tests/data/dvi/dvir_reference.json``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from dvir_examples import converted

from reunite.io.dvi import read_dvi
from reunite.stats.dvi import (
    DVIProblem,
    Victim,
    find_undisputed,
    pairwise_lr_matrix,
    solve_dvi,
)

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "dvi" / "dvir_reference.json"
# icmp's CODIS table misses 1 by up to 2e-10 per marker. pedprobr lumps the alleles a
# likelihood does not see into 1 − Σ(seen) separately in every likelihood, reunite reads
# a victim's conditional from one genotype table: the conventions differ by ~1e-9 in an LR
# for such a table (and agree to ~1e-12 for tables summing to 1, as every other dataset).
TOLERANCE = {"icmp": 5e-9}
JOINT = ["example1", "example2", "fire", "symmetricSibs", "KETPchap481", "KETPchap484",
         "KETPexer497", "KETPexer498", "planecrash"]
SOLVED = ["icmp", "grave", "exclusionExample"]


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return data


def dataset(shared_data: Path, name: str) -> DVIProblem:
    return converted(shared_data / "dvir-dvi-examples" / "converted", name)


def _close(a: float | None, b: float | None, rel: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if math.isinf(a) or math.isinf(b) or a == 0 or b == 0:
        return a == b or abs(a - b) <= 1e-300
    return math.isclose(a, b, rel_tol=rel)


def _matrix_equal(ours: dict[str, dict[str, float | None]],
                  theirs: dict[str, dict[str, float | None]], rel: float = 1e-9) -> None:
    assert ours.keys() == theirs.keys()
    for v, row in theirs.items():
        for m, value in row.items():
            assert _close(ours[v][m], value, rel), (v, m, ours[v][m], value)


class TestDvirPairwise:
    @pytest.mark.parametrize("name", JOINT + SOLVED)
    def test_pairwise_lr_and_exclusions_are_dvirs(self, shared_data: Path,
                                                  reference: dict[str, Any],
                                                  name: str) -> None:
        problem = dataset(shared_data, name)
        ref = reference[name]

        solution = solve_dvi(problem, glr=False) if name not in SOLVED else None
        lr = solution.pairwise if solution else pairwise_lr_matrix(problem)

        _matrix_equal(lr.to_dict(), ref["pairwise_lr"], TOLERANCE.get(name, 1e-9))
        if solution is not None:
            _matrix_equal(solution.exclusions.to_dict(), ref["exclusions"])

    @pytest.mark.parametrize("name", JOINT + SOLVED)
    def test_undisputed_are_dvirs(self, shared_data: Path, reference: dict[str, Any],
                                  name: str) -> None:
        found = find_undisputed(dataset(shared_data, name), threshold=1e4)

        expected = [(u["victim"], u["missing"]) for u in reference[name]["undisputed"]
                    if u["missing"] is not None]
        assert sorted((i.victim, i.missing) for i in found.identifications) == sorted(expected)
        lrs = {(u["victim"], u["missing"]): u["lr"] for u in reference[name]["undisputed"]}
        for i in found.identifications:
            assert _close(i.lr, lrs[(i.victim, i.missing)], TOLERANCE.get(name, 1e-9))


class TestDvirJoint:
    @pytest.mark.parametrize("name", JOINT)
    def test_joint_table_is_dvirs(self, shared_data: Path, reference: dict[str, Any],
                                  name: str) -> None:
        problem = dataset(shared_data, name)
        ref = reference[name]

        table = solve_dvi(problem, enumerate_all=True, glr=False)
        ours = {tuple(sorted(a.mapping.items())): a.loglik for a in table.assignments}

        assert table.n_assignments == ref["n_assignments"]
        assert _close(table.loglik_null, ref["loglik_null"])
        for row in ref["top"]:
            key = tuple(sorted(row["assignment"].items()))
            theirs = -math.inf if row["loglik"] is None else row["loglik"]  # -Inf as null
            assert _close(ours[key], theirs), (key, ours[key], theirs)
        finite = [ll for ll in ours.values() if ll > -math.inf]
        top = max(finite)
        lse = top + math.log(math.fsum(math.exp(ll - top) for ll in finite))
        assert _close(lse, ref["logsumexp"])
        assert len(ours) - len(finite) == ref["n_impossible"]
        # dvir's ranking: the first assignment has the largest likelihood.
        assert _close(table.best.loglik, ref["top"][0]["loglik"])
        for v, row in ref["posterior_pairing"].items():
            for m, p in row.items():
                if m == "*":
                    continue
                got = table.pairing_min.get(v, m)
                if math.isnan(got):  # a sex-incompatible pair: dvir's Bmarginal gives 0
                    assert p == 0
                    continue
                assert got == pytest.approx(p, rel=1e-9, abs=1e-12), (v, m)

    @pytest.mark.parametrize("name", JOINT)
    def test_search_agrees_with_dvirs_table(self, shared_data: Path,
                                            reference: dict[str, Any], name: str) -> None:
        problem = dataset(shared_data, name)
        ref = reference[name]

        solution = solve_dvi(problem, top=5)

        best = [-math.inf if r["loglik"] is None else r["loglik"]
                for r in ref["top"][: len(solution.assignments)]]
        assert [a.loglik for a in solution.assignments] == pytest.approx(best, rel=1e-9)
        total = ref["logsumexp"] - ref["loglik_null"]
        assert solution.log10_total_lr_min * math.log(10) <= total * (1 + 1e-12) + 1e-9
        assert total <= solution.log10_total_lr_max * math.log(10) * (1 + 1e-12) + 1e-9
        for v, row in ref["posterior_pairing"].items():
            for m, p in row.items():
                if m != "*" and not math.isnan(solution.pairing_min.get(v, m)):
                    assert solution.pairing_min.get(v, m) <= p + 1e-9
                    assert p <= solution.pairing_max.get(v, m) + 1e-9


class TestDvirSolved:
    @pytest.mark.parametrize("name", SOLVED)
    def test_conclusions_are_dvirs(self, shared_data: Path, reference: dict[str, Any],
                                   name: str) -> None:
        problem = dataset(shared_data, name)

        solution = solve_dvi(problem, fix_undisputed=True, top=3, glr=False)
        best = solution.best.mapping

        rows = reference[name]["solve_am"]
        # A symmetric match names one victim for several missing persons (full siblings
        # the data cannot tell apart): the victim must take one of them.
        symmetric: dict[str, set[str]] = {}
        for row in rows:
            if row["conclusion"] == "Symmetric match":
                for sample in str(row["sample"]).split("/"):
                    symmetric.setdefault(sample, set()).add(row["missing"])
        for row in rows:
            if row["conclusion"] in ("Undisputed", "Match (GLR)", "Probable"):
                assert best[row["sample"]] == row["missing"], row
            elif row["conclusion"] == "Excluded":
                assert row["missing"] not in best.values(), row
        for sample, group in symmetric.items():
            assert best[sample] in group, (sample, group)


def test_planecrash_familias_file_is_dvirs_dataset(shared_data: Path,
                                                   reference: dict[str, Any]) -> None:
    # dvir's planecrash is Solution3_3.fam with every victim female (data-raw script).
    problem = read_dvi(shared_data / "dvir-dvi-examples/familias/Solution3_3.fam")
    problem = problem.replace(victims=tuple(Victim(v.id, "female") for v in problem.victims))
    names = {f"Family {i}/Missing person": f"M{i}" for i in range(1, 6)}

    lr = pairwise_lr_matrix(problem).to_dict()
    renamed = {f"V{v[2:]}": {names[m]: x for m, x in row.items()} for v, row in lr.items()}

    _matrix_equal(renamed, reference["planecrash"]["pairwise_lr"])

"""``reunite dvi solve PROBLEM``: joint disaster-victim identification of a problem file.

Reads a ``reunite-dvi/1`` JSON file or a Familias ``.fam`` DVI project
(:func:`reunite.io.dvi.read_dvi`), checks the remains against each other (commingling,
:func:`reunite.stats.dvi.find_commingled`), solves the joint identification
(:func:`reunite.stats.dvi.solve_dvi`) and prints tables, or with ``--json`` the object of
``../shared/spec/dvi-problem.md`` (:func:`reunite.io.dvi.solution_json`). Bad input raises
typed errors that :func:`reunite.cli.main.main` maps to exit status 2 with the file,
field and value, never a traceback.
"""

from __future__ import annotations

import json
import math
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from reunite.io.dvi import read_dvi, solution_json
from reunite.stats.dvi import DVISolution, find_commingled, merge_commingled, solve_dvi

__all__ = ["Mutation", "dvi_app", "register", "solve"]

dvi_app = typer.Typer(help="Disaster-victim identification: many victims, many families.",
                      no_args_is_help=True)


class Mutation(str, Enum):
    """Where ``--mutation`` models mutation."""

    all = "all"
    inconsistent = "inconsistent"
    none = "none"


@dvi_app.command("solve")
def solve(
    problem_file: Annotated[Path, typer.Argument(
        help="reunite-dvi/1 JSON file or Familias .fam project with a DVI section.")],
    list_all: Annotated[bool, typer.Option(
        "--all", help="List every assignment with exact posteriors (small problems).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    top: Annotated[int, typer.Option(min=1, help="Assignments to rank exactly.")] = 10,
    mutation: Annotated[Mutation, typer.Option(
        help="Model mutation in all families, only in families whose references need it, "
             "or nowhere.")] = Mutation.all,
    tolerance: Annotated[float, typer.Option(
        min=0.0, help="Stop when the total likelihood is bracketed this tightly (relative)."
    )] = 1e-9,
    max_expansions: Annotated[int, typer.Option(
        min=1, help="Most search steps; the bounds stay valid when it is reached.")
    ] = 200_000,
    undisputed_threshold: Annotated[float, typer.Option(
        min=1.0, help="LR threshold T of the undisputed identifications.")] = 1e4,
    commingling_threshold: Annotated[float, typer.Option(
        min=1.0, help="Direct-match LR at which two remains are called the same person.")
    ] = 1e4,
    merge_remains: Annotated[bool, typer.Option(
        "--merge-remains", help="Merge remains that are the same person before solving.")
    ] = False,
    fix_undisputed: Annotated[bool, typer.Option(
        "--fix-undisputed", help="Fix undisputed identifications first and solve the rest "
                                 "(as dvir's jointDVI; numbers are conditional on them).")
    ] = False,
    indent: Annotated[int | None, typer.Option(help="Indent the JSON output.")] = None,
) -> None:
    """Joint identification: ranked assignments, posteriors, pairwise LRs and GLRs.

    Example:

        reunite dvi solve ../shared/data/dvir-dvi-examples/familias/dvi-example.fam

    Every assignment of victims to missing persons (or to nobody) is scored by the joint
    likelihood of all data; posteriors use a flat prior. Without --all the best ones are
    ranked exactly and the posterior of everything else is bounded.
    """
    problem = read_dvi(problem_file)
    for note in problem.notes:
        typer.echo(f"note: {note}", err=True)
    commingling = find_commingled(problem, threshold=commingling_threshold)
    merged: list[list[str]] = []
    if merge_remains:
        groups = [g for g in commingling.groups if len(g) > 1
                  and not any(a in g and b in g for a, b in commingling.conflicts)]
        merged = [list(g) for g in groups]
        problem = merge_commingled(problem, groups)
    solution = solve_dvi(problem, top=top, enumerate_all=list_all, tolerance=tolerance,
                         max_expansions=max_expansions, mutation=mutation.value,
                         undisputed_threshold=undisputed_threshold,
                         fix_undisputed=fix_undisputed)
    mixing = {**commingling.to_dict(), "merged": merged}
    if as_json:
        typer.echo(json.dumps(solution_json(solution, commingling=mixing), indent=indent,
                              allow_nan=False))
        return
    _print(solution, mixing)


def _fmt(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if x == 0:
        return "0"
    if math.isinf(x):
        return "∞"
    return f"{x:.{digits}g}"


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def _print(solution: DVISolution, mixing: dict[str, object]) -> None:
    out = Console(highlight=False)
    p = solution.problem
    out.print(f"[bold]{p.id}[/]: {_n(len(p.victims), 'victim')}, "
              f"{_n(len(p.families), 'family', 'families')}, "
              f"{_n(len(p.missing_ids), 'missing person')}, {_n(len(p.markers), 'marker')}; "
              f"{_n(solution.n_assignments, 'sex-consistent assignment')}")
    table = Table(title="Assignments, most likely first")
    for col in ("#", "identifications", "loglik", "log10 LR", "posterior"):
        table.add_column(col, justify="left" if col == "identifications" else "right")
    for rank, a in enumerate(solution.assignments, start=1):
        ids = ", ".join(f"{v}={m}" for v, m in a.mapping.items() if m != "*") or "(none)"
        post = (_fmt(a.posterior, 4) if a.posterior == a.posterior_max
                else f"{_fmt(a.posterior, 4)}–{_fmt(a.posterior_max, 4)}")
        table.add_row(str(rank), ids, f"{a.loglik:.4f}" if math.isfinite(a.loglik) else "-∞",
                      f"{a.log10_lr:.3f}" if math.isfinite(a.log10_lr) else "-∞", post)
    out.print(table)
    if solution.fixed:
        out.print("Conditional on the undisputed identifications fixed first: "
                  + ", ".join(f"{u.victim}={u.missing}" for u in solution.fixed))
    if solution.complete:
        out.print("Exact: the posteriors account for every assignment.")
    else:
        out.print(f"Bounded: the assignments not listed hold at most "
                  f"{_fmt(solution.unlisted_posterior_max, 3)} of the posterior; "
                  f"log10 Σ LR lies in [{solution.log10_total_lr_min:.6f}, "
                  f"{solution.log10_total_lr_max:.6f}].")
    found = solution.identifications()
    if found:
        ident = Table(title="Identifications of the best assignment")
        for col in ("victim", "missing", "family", "pairwise LR", "GLR", "posterior"):
            ident.add_column(col)
        for row in found:
            lo, hi = row.posterior, row.posterior_max
            post = _fmt(lo, 4) if lo == hi else f"{_fmt(lo, 4)}–{_fmt(hi, 4)}"
            ident.add_row(row.victim, row.missing, row.family, _fmt(row.pairwise_lr),
                          _fmt(row.glr), post)
        out.print(ident)
    if solution.undisputed:
        out.print("Undisputed (T = {:g}): ".format(
            solution.provenance.to_dict()["parameters"]["undisputed_threshold"])
            + "; ".join(f"{u.victim}={u.missing} (LR {_fmt(u.lr)}, step {u.step})"
                        for u in solution.undisputed))
    groups = mixing.get("groups")
    if isinstance(groups, list) and groups:
        out.print("Remains that are the same person: "
                  + "; ".join("+".join(g) for g in groups)
                  + (" (merged)" if mixing.get("merged") else ""))


def register(app: typer.Typer) -> None:
    """Add ``reunite dvi ...`` to ``app``."""
    app.add_typer(dvi_app, name="dvi")

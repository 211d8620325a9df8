"""``reunite lr CASE.json``: kinship likelihood ratios for a kinship case file.

Reads a ``reunite-kinship-case/1`` file (one case or a JSON array of cases; see
``../shared/spec/kinship-case.md``), computes exact per-marker likelihoods of every
hypothesis and the LR of the first against the others
(:func:`reunite.services.kinship.solve_kinship_case`), and prints JSON. Invalid cases
raise :class:`reunite.errors.CaseError`; :func:`reunite.cli.main.main` maps it to exit
status 2 with the message (case, field, value), never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from reunite.config import get_settings
from reunite.io.kinship_case import read_cases
from reunite.services.kinship import answer_json, solve_kinship_case
from reunite.services.settings import search_settings

__all__ = ["register"]


def lr(
    case_file: Annotated[Path, typer.Argument(help="Kinship case JSON (one case or an array).")],
    indent: Annotated[int | None, typer.Option(help="Indent the JSON output.")] = None,
) -> None:
    """Likelihood ratio of the first hypothesis against each other hypothesis.

    Example:

        reunite lr ../shared/reference-cases/trio_paternity_true_nomut.json

    Prints {"id", "likelihoods", "lr", "total_lr", "log10_total_lr"} (an array for an
    array of cases). An exclusion gives LR 0 and log10 null; an LR of 0/0 or
    infinity is written as null, with "inconsistencies" naming marker and persons.
    When one or two markers without a mutation model exclude, "notes" says so and
    "lr_with_default_mutation" gives the LR under the installation's default
    mutation model (REUNITE_MUTATION_MODEL, REUNITE_MUTATION_RATE[_MALE]).
    """
    cases, is_array = read_cases(case_file)
    settings = search_settings(get_settings())
    outputs = []
    for case in cases:
        answer = solve_kinship_case(case, settings=settings)
        for note in answer.notes:
            typer.echo(f"note: case {case.id!r}: {note}", err=True)
        outputs.append(answer_json(answer))
    payload = outputs if is_array else outputs[0]
    typer.echo(json.dumps(payload, indent=indent, allow_nan=False))


def register(app: typer.Typer) -> None:
    """Add ``reunite lr`` to ``app``."""
    app.command(name="lr")(lr)

"""``reunite simulate profiles|families``: seeded simulated data for tests and demos.

A thin shell over :mod:`reunite.simulate`: profiles are written as profile JSON or a
GeneMapper-style CSV (both read back by ``reunite import`` and ``reunite search``);
families as ``reunite-family/1`` JSON with the true missing persons beside them. The
frequency table is read with the installation's minimum allele count and families mutate
by its female and male mutation models (``REUNITE_*`` or the config file; the options
override them), the models ``reunite search`` scores with.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from reunite.cli._search_options import (
    MutationModel,
    MutationRate,
    MutationRateMale,
    search_settings_for,
)
from reunite.config import get_settings
from reunite.genetics.frequencies import FrequencyTable
from reunite.io.formats import write_profiles
from reunite.io.frequencies import read_frequencies
from reunite.search import FamilyCase
from reunite.services.family_files import family_to_json
from reunite.simulate import SCENARIOS, degrade, get_scenario, simulate_families, simulate_unrelated

__all__ = ["register"]

simulate_app = typer.Typer(name="simulate", no_args_is_help=True,
                           help="Simulate profiles and families from a frequency table.")

Freqs = Annotated[Path, typer.Option("--freqs", help="Allele frequency table (CSV).")]
Seed = Annotated[int, typer.Option(help="Random seed (same seed, same data).")]
Markers = Annotated[str | None, typer.Option(help="Comma-separated markers (default: all "
                                             "in the table).")]


def _table(path: Path) -> FrequencyTable:
    return read_frequencies(path, min_allele_count=get_settings().min_allele_count)


def _markers(text: str | None) -> list[str] | None:
    return [m.strip() for m in text.split(",") if m.strip()] if text else None


def _format(path: Path, fmt: str | None) -> str:
    chosen = fmt or ("json" if path.suffix.lower() == ".json" else "genemapper")
    if chosen not in ("json", "csv", "genemapper"):
        raise typer.BadParameter("format must be json or csv")
    return "genemapper" if chosen == "csv" else chosen


@simulate_app.command("profiles")
def profiles(
    out: Annotated[Path, typer.Option("--out", help="Output file (.json or .csv).")],
    freqs: Freqs,
    n: Annotated[int, typer.Option(help="Number of unrelated people.")] = 100,
    markers: Markers = None,
    drop: Annotated[float, typer.Option(help="Probability each marker is dropped "
                                        "(degraded samples).")] = 0.0,
    seed: Seed = 1,
    id_prefix: Annotated[str, typer.Option(help="Id prefix.")] = "U",
    fmt: Annotated[str | None, typer.Option("--format", help="json or csv "
                                            "(default: from the suffix).")] = None,
) -> None:
    """Unrelated people drawn from a frequency table (Hardy–Weinberg).

    Example:

        reunite simulate profiles --freqs nist.csv --n 1000 --drop 0.2 --out remains.csv
    """
    table = _table(freqs)
    sim = simulate_unrelated(table, n, markers=_markers(markers), seed=seed,
                             id_prefix=id_prefix)
    if drop > 0:
        sim = degrade(sim, drop_probability=drop, seed=seed + 1)
    write_profiles(sim.to_profiles(), out, format=_format(out, fmt))  # type: ignore[arg-type]
    typer.echo(json.dumps({"profiles": len(sim), "markers": len(sim.markers),
                           "out": str(out), "seed": seed}))


@simulate_app.command("families")
def families(
    out: Annotated[Path, typer.Option("--out", help="Families file (reunite-family/1 "
                                      "JSON).")],
    missing_out: Annotated[Path, typer.Option("--missing-out", help="The true missing "
                                              "persons' profiles (.json or .csv).")],
    freqs: Freqs,
    n: Annotated[int, typer.Option(help="Number of families.")] = 10,
    scenario: Annotated[str, typer.Option(help="One of: " + ", ".join(SCENARIOS))
                        ] = "parents",
    markers: Markers = None,
    mutation_model: MutationModel = None, mutation_rate: MutationRate = None,
    mutation_rate_male: MutationRateMale = None,
    seed: Seed = 1,
) -> None:
    """Families of a named scenario with their typed references, and the missing persons.

    Example:

        reunite simulate families --freqs nist.csv --n 20 --scenario sibling \\
            --out families.json --missing-out missing.json
    """
    table = _table(freqs)
    chosen = get_scenario(scenario)
    settings = search_settings_for(get_settings(), mutation_model=mutation_model,
                                   mutation_rate=mutation_rate,
                                   mutation_rate_male=mutation_rate_male)
    sim = simulate_families(chosen.pedigree, table, n_families=n, markers=_markers(markers),
                            mutation=settings.mutation_model, seed=seed)
    cases = [
        FamilyCase(fid, chosen.pedigree, chosen.missing,
                   {p: sim.genotype_texts(i, p) for p in chosen.typed})
        for i, fid in enumerate(sim.family_ids)
    ]
    out.write_text(json.dumps([family_to_json(c) for c in cases], indent=1) + "\n",
                   encoding="utf-8")
    missing = sim.person(chosen.missing)
    write_profiles(missing.to_profiles(), missing_out,
                   format=_format(missing_out, None))  # type: ignore[arg-type]
    typer.echo(json.dumps({"families": n, "scenario": scenario, "out": str(out),
                           "missing_out": str(missing_out), "seed": seed}))


def register(app: typer.Typer) -> None:
    """Add ``reunite simulate`` to ``app``."""
    app.add_typer(simulate_app, name="simulate")

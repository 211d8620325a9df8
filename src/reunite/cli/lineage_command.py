"""``reunite lineage ystr|mtdna``: lineage-marker match statistics and lineage LRs.

A thin shell: reads the query (and reference) haplotype and the database with
:mod:`reunite.io.haplotypes`, calls :mod:`reunite.stats.lineage` or
:mod:`reunite.stats.mtdna`, and prints a Rich summary or, with ``--json``, one JSON
object with the provenance (database name and SHA-256, parameters, software version).
Bad input raises typed errors that :func:`reunite.cli.main.main` turns into exit status 2
naming the file, field and value.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from reunite.errors import InputError
from reunite.genetics.haplotypes import YHRD_MUTATION_RATES, MtSnvTable
from reunite.io.haplotypes import (
    read_mt_database,
    read_mt_haplotype_json,
    read_rcrs,
    read_y_haplotype_json,
    read_y_haplotype_table,
    read_ystr_mutation_rates,
)
from reunite.provenance import make_provenance
from reunite.stats.lineage import (
    fit_discrete_laplace,
    lineage_lr,
    match_statistics,
    select_discrete_laplace,
)
from reunite.stats.mtdna import compare_mt, mitofreq_estimate, mt_match_statistics

__all__ = ["lineage_app", "mtdna", "register", "ystr"]

lineage_app = typer.Typer(help="Y-STR and mtDNA lineage statistics and lineage LRs.",
                          no_args_is_help=True)


def _json_safe(value: Any) -> Any:
    # JSON has no infinity or NaN: an LR of x/0 or 0/0 is written as null.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "∞" if value > 0 else "undefined"
        return f"{value:.6g}"
    return str(value)


def _print_table(title: str, rows: list[tuple[str, object]]) -> None:
    table = Table(title=title, show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    for name, value in rows:
        table.add_row(name, _fmt(value))
    Console(highlight=False).print(table)


def _confidence(value: float) -> float:
    if not 0.0 < value < 1.0:
        raise InputError("the confidence must lie strictly between 0 and 1",
                         field="--confidence", value=value)
    return value


def _clusters(text: str) -> range:
    try:
        if "-" in text:
            lo, hi = (int(t) for t in text.split("-", 1))
        else:
            lo = hi = int(text)
    except ValueError:
        raise InputError("clusters must be a number or a range such as 1-5",
                         field="--clusters", value=text) from None
    if not 1 <= lo <= hi <= 30:
        raise InputError("clusters must lie in 1..30", field="--clusters", value=text)
    return range(lo, hi + 1)


@lineage_app.command("ystr")
def ystr(
    query: Annotated[Path, typer.Argument(
        help='Query haplotype JSON: {"id", "haplotype": {"DYS19": "14", ...}}.')],
    database: Annotated[Path, typer.Option(
        "--database", help="Haplotype table, one column per locus (CSV or tab-separated).")],
    reference: Annotated[Path | None, typer.Option(
        "--reference", help="A paternal relative's haplotype JSON (needs --meioses).")] = None,
    meioses: Annotated[int | None, typer.Option(
        "--meioses", help="Father–son transmissions between query and reference "
                          "(father 1, brother 2, uncle 3, cousin 4).")] = None,
    population: Annotated[str | None, typer.Option(
        "--population", help="Only the database rows of this population.")] = None,
    mutation_rates: Annotated[Path | None, typer.Option(
        "--mutation-rates",
        help="Marker, Mutations, Meioses table (default: the built-in YHRD counts).")] = None,
    confidence: Annotated[float, typer.Option(
        "--confidence", help="Confidence of the Clopper–Pearson upper bound.")] = 0.95,
    discrete_laplace: Annotated[bool, typer.Option(
        "--discrete-laplace", help="Also fit the discrete Laplace model to the database.")
    ] = False,
    clusters: Annotated[str, typer.Option(
        "--clusters", help="Discrete Laplace clusters to try (chosen by BIC), e.g. 1-5.")
    ] = "1-5",
    allow_duplications: Annotated[bool, typer.Option(
        "--allow-duplications", help="Read extra alleles in the query/reference as a "
                                     "duplication rather than refuse them.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Y-STR haplotype match statistics and, with a reference, the lineage LR.

    Example:

        reunite lineage ystr unidentified.json --database yfiler_plus.csv
            --reference uncle.json --meioses 3 --json

    Compared over the query's loci (those the reference is typed at, with one).
    JSON keys: matches (x), database_size (N), frequency (x/N), upper_bound
    (one-sided Clopper–Pearson, 1 − 0.05^(1/N) for x = 0), estimators
    (augmented_counting, balding_nichols, brenner_kappa, discrete_laplace); with a
    reference: mutation_probability (single-step model at YHRD rates), lr =
    mutation_probability / upper_bound and lr_estimates; and provenance.
    """
    if (reference is None) != (meioses is None):
        raise InputError("--reference and --meioses go together",
                         field="--meioses" if reference is not None else "--reference",
                         value=meioses if meioses is not None else str(reference))
    level = _confidence(confidence)
    tried = _clusters(clusters)
    table = read_y_haplotype_table(database, population=population)
    haplotype = read_y_haplotype_json(query, allow_duplications=allow_duplications)
    relative = (read_y_haplotype_json(reference, allow_duplications=allow_duplications)
                if reference is not None else None)
    rates = (read_ystr_mutation_rates(mutation_rates) if mutation_rates is not None
             else YHRD_MUTATION_RATES)
    loci = (tuple(m for m in haplotype.markers if relative.allele(m) is not None)
            if relative is not None else haplotype.markers)
    missing = [m for m in loci if m not in table.loci]
    if missing:
        raise InputError("query locus not in the database table", source=str(database),
                         field=missing[0], value=missing[0])
    fit = None
    if discrete_laplace:
        fit = (fit_discrete_laplace(table.haplotypes, clusters=tried[0], loci=loci)
               if len(tried) == 1 else
               select_discrete_laplace(table.haplotypes, clusters=tried, loci=loci).best)
    payload: dict[str, Any] = {"query": haplotype.id,
                               "reference": relative.id if relative else None}
    if relative is not None and meioses is not None:
        result = lineage_lr(haplotype, relative, table.haplotypes, meioses=meioses,
                            rates=rates, loci=loci, confidence=level, discrete_laplace=fit)
        payload.update(result.to_dict())
    else:
        payload.update(match_statistics(haplotype, table.haplotypes, loci=loci,
                                        confidence=level, discrete_laplace=fit).to_dict())
    if fit is not None:
        payload["discrete_laplace"] = fit.to_dict()
    payload["database"] = {"source": table.source, "sha256": table.sha256,
                           "records": len(table), "population": population}
    payload["provenance"] = make_provenance(
        "reunite lineage ystr",
        {"confidence": level, "meioses": meioses, "population": population,
         "mutation_rates": str(mutation_rates) if mutation_rates else "YHRD (built in)",
         "discrete_laplace_clusters": list(tried) if discrete_laplace else None,
         "allow_duplications": allow_duplications},
        frequency_table=table.source, frequency_table_hash=table.sha256).to_dict()
    if as_json:
        typer.echo(json.dumps(_json_safe(payload), allow_nan=False))
        return
    rows: list[tuple[str, object]] = [
        ("query", haplotype.id), ("loci compared", len(payload["loci"])),
        ("matches (x)", payload["matches"]), ("database size (N)", payload["database_size"]),
        ("frequency x/N", payload["frequency"]),
        (f"upper bound ({level:.0%} Clopper–Pearson)", payload["upper_bound"])]
    rows += [(f"  {name}", value) for name, value in payload["estimators"].items()
             if name not in {"counting", "clopper_pearson_upper"}]
    if relative is not None:
        rows += [("reference", relative.id), ("meioses", meioses),
                 ("mutation probability", payload["mutation_probability"]),
                 ("LR (upper bound)", payload["lr"])]
        rows += [(f"  LR ({name})", value) for name, value in payload["lr_estimates"].items()
                 if name != "clopper_pearson_upper"]
        for marker, why in payload["mutation"]["incompatible"].items():
            rows.append((f"  incompatible {marker}", why))
    _print_table(f"Y-STR lineage statistics — {table.source}", rows)


@lineage_app.command("mtdna")
def mtdna(
    query: Annotated[Path, typer.Argument(
        help='Query mtDNA JSON: {"id", "haplotype": "263G 16519C", "range", "haplogroup"}.')],
    database: Annotated[Path, typer.Option(
        "--database", help="mtDNA haplotype table (id, range, haplotype) or a MitoFREQ "
                           "table (Position, Ref, TLHG, n, Base, Type, N_TLHG; .gz ok).")],
    reference: Annotated[Path | None, typer.Option(
        "--reference", help="A maternal relative's mtDNA JSON.")] = None,
    haplogroup_sizes: Annotated[Path | None, typer.Option(
        "--haplogroup-sizes", help="TLHG, N table for a MitoFREQ database.")] = None,
    rcrs: Annotated[Path | None, typer.Option(
        "--rcrs", help="rCRS FASTA (needed when a heteroplasmy meets a reference base).")
    ] = None,
    confidence: Annotated[float, typer.Option(
        "--confidence", help="Confidence of the Clopper–Pearson upper bound.")] = 0.95,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """mtDNA match statistics and, with a reference, the comparison and lineage LR.

    Example:

        reunite lineage mtdna found.json --database d_helix_refined_long.csv.gz
            --haplogroup-sizes d_helix_TLHG_freq.csv --reference mother.json --json

    Only the range both haplotypes were typed over is compared; a heteroplasmy
    sharing a base is not excluding. A haplotype table gives matches, database_size,
    frequency and upper_bound by counting; a MitoFREQ table gives frequency and
    upper_bound from the rarest base within the query's haplogroup. With a reference
    that cannot be excluded, lr = 1 / upper_bound.
    """
    level = _confidence(confidence)
    haplotype = read_mt_haplotype_json(query)
    relative = read_mt_haplotype_json(reference) if reference is not None else None
    sequence = read_rcrs(rcrs) if rcrs is not None else None
    db = read_mt_database(database, haplogroup_sizes=haplogroup_sizes)
    payload: dict[str, Any] = {"query": haplotype.id,
                               "reference": relative.id if relative else None}
    if isinstance(db, MtSnvTable):
        estimate = mitofreq_estimate(haplotype, db, confidence=level)
        payload.update({"method": "mitofreq", "matches": None, "database_size": None,
                        "frequency": estimate.frequency, "upper_bound": estimate.upper_bound,
                        "confidence": level, "estimators": {
                            "mitofreq": estimate.frequency,
                            "clopper_pearson_upper": estimate.upper_bound},
                        "mitofreq": estimate.to_dict()})
        source, digest = db.name, db.sha256
    else:
        stats = mt_match_statistics(haplotype, db.haplotypes, confidence=level,
                                    reference=sequence)
        payload.update({"method": "counting", **stats.to_dict()})
        source, digest = db.source, db.sha256
    if relative is not None:
        comparison = compare_mt(haplotype, relative, reference=sequence)
        payload["comparison"] = comparison.to_dict()
        payload["interpretation"] = comparison.interpretation
        if comparison.interpretation == "cannot exclude":
            payload["lr"] = 1.0 / payload["upper_bound"]
            payload["lr_estimates"] = {k: (1.0 / v if v else None)
                                       for k, v in payload["estimators"].items()}
        else:
            payload["lr"] = 0.0 if comparison.interpretation == "exclusion" else None
            payload["lr_estimates"] = {}
    payload["database"] = {"source": source, "sha256": digest}
    payload["provenance"] = make_provenance(
        "reunite lineage mtdna", {"confidence": level, "method": payload["method"],
                                  "rcrs": str(rcrs) if rcrs else None},
        frequency_table=source, frequency_table_hash=digest).to_dict()
    if as_json:
        typer.echo(json.dumps(_json_safe(payload), allow_nan=False))
        return
    rows: list[tuple[str, object]] = [("query", haplotype.id), ("method", payload["method"])]
    if payload["method"] == "counting":
        rows += [("range", payload["range"]), ("matches (x)", payload["matches"]),
                 ("database size (N)", payload["database_size"])]
    else:
        m = payload["mitofreq"]
        rows += [("haplogroup", m["haplogroup"]),
                 ("rarest base", f"{m['rarest_position']}{m['rarest_base']} "
                                 f"({m['rarest_count']} of {m['rarest_total']})")]
    rows += [("frequency", payload["frequency"]),
             (f"upper bound ({level:.0%} Clopper–Pearson)", payload["upper_bound"])]
    if relative is not None:
        rows += [("reference", relative.id),
                 ("differences", ", ".join(payload["comparison"]["differences"]) or "none"),
                 ("interpretation", payload["interpretation"]), ("LR (upper bound)",
                                                                payload["lr"])]
    _print_table(f"mtDNA lineage statistics — {source}", rows)


def register(app: typer.Typer) -> None:
    """Add ``reunite lineage`` to ``app``."""
    app.add_typer(lineage_app, name="lineage")

"""``reunite demo``: the whole job on a fresh machine, simulated end to end.

A thin shell over :func:`reunite.demo.run_demo`: finds the real NIST 1036
frequency table in the shared data folder (``$REUNITE_SHARED_DIR``, ``../shared`` beside the
working directory or the repository) or falls back to a *synthetic* table that is labelled
as such everywhere; runs the pipeline into a fresh data directory with a progress bar;
prints the summary (identifications, their LRs, how many are true, false positives at the
threshold, time per phase) and how to open the web service on the same data. The search
settings (θ, mutation models, minimum allele count, LR threshold, k) are the installation's
(``REUNITE_*`` or the config file); ``--threshold`` overrides the LR threshold.
"""

from __future__ import annotations

import json
import math
import os
import random
import statistics
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reunite.config import get_settings

if TYPE_CHECKING:
    from reunite.demo import DemoResult
    from reunite.genetics.frequencies import FrequencyTable

__all__ = ["demo", "register"]

_NIST = Path("data") / "nist-1036-us-population" / "nist1036_allele_frequencies.csv"


def _shared_candidates(explicit: Path | None) -> list[Path]:
    if explicit is not None:
        return [explicit]
    candidates = []
    if os.environ.get("REUNITE_SHARED_DIR"):
        candidates.append(Path(os.environ["REUNITE_SHARED_DIR"]))
    candidates.append(Path.cwd().parent / "shared")
    # src/reunite/cli/demo_command.py -> the repository root is three levels up.
    candidates.append(Path(__file__).resolve().parents[3].parent / "shared")
    return candidates


def _synthetic_table() -> FrequencyTable:
    """Made-up frequencies over the CODIS core loci (10 alleles each), for no population."""
    from reunite.genetics.frequencies import FrequencyTable
    from reunite.genetics.kits import get_kit

    rng = random.Random(1036)
    markers = get_kit("CODIS").markers
    frequencies = {m: {str(8 + i): rng.uniform(0.2, 1.0) for i in range(10)} for m in markers}
    return FrequencyTable("SYNTHETIC (made-up frequencies)", frequencies,
                          dict.fromkeys(markers, 500.0))


def _table(shared_dir: Path | None, console: Console) -> tuple[FrequencyTable, bool]:
    from reunite.io.frequencies import read_nist_1036_frequencies

    for shared in _shared_candidates(shared_dir):
        if (shared / _NIST).is_file():
            return read_nist_1036_frequencies(shared / _NIST, population="All"), False
    looked = ", ".join(str(p) for p in _shared_candidates(shared_dir))
    console.print(f"[yellow]NIST 1036 frequencies not found (looked in {looked}).[/]\n"
                  "[yellow bold]Using a SYNTHETIC frequency table: the LRs below describe no "
                  "real population.[/]")
    return _synthetic_table(), True


def _settings_words(result: DemoResult) -> str:
    recorded = result.settings.to_provenance()

    def sex(spec: dict[str, object] | None) -> str:
        return "none" if spec is None else " ".join(str(v) for v in spec.values())

    mutation = recorded["mutation"]
    female, male = sex(mutation["female"]), sex(mutation["male"])
    words = female if female == male else f"female {female}, male {male}"
    return (f"θ {recorded['theta']:g}; mutation {words}; unseen alleles "
            f"{recorded['min_allele_count']:g}/2N; k {recorded['k']}")


def _summary(result: DemoResult) -> Table:
    label = "SYNTHETIC table" if result.synthetic else result.frequency_table
    table = Table(title=f"reunite demo — blind search, LR threshold {result.threshold:g} "
                        f"({label})")
    table.add_column("", no_wrap=True)
    table.add_column("value", justify="right")
    lrs = [e["log10_lr"] for e in result.identifications]
    table.add_row("missing-person cases", f"{result.cases}")
    table.add_row("unidentified (of whom missing persons; degraded)",
                  f"{result.unidentified} ({result.missing_among_unidentified}; "
                  f"{result.degraded_missing})")
    table.add_row("background unrelated profiles", f"{result.background:,}")
    table.add_row("search settings", _settings_words(result))
    table.add_row("profiles imported (encrypted)", f"{result.profiles_stored:,}")
    table.add_section()
    table.add_row("[bold]identifications found (true)[/]",
                  f"[bold]{result.true_positives} of {result.missing_among_unidentified}[/]")
    if lrs:
        table.add_row("their log10 LR: min / median / max",
                      f"{min(lrs):.1f} / {statistics.median(lrs):.1f} / {max(lrs):.1f}")
    table.add_row("[bold]false positives at the threshold[/]",
                  f"[bold]{len(result.false_positives)}[/]")
    stricter = result.threshold * 100
    cut = math.log10(stricter)
    true_above = sum(1 for e in result.identifications if e["log10_lr"] >= cut)
    false_above = sum(1 for e in result.false_positives if e["log10_lr"] >= cut)
    table.add_row(f"at LR ≥ {stricter:g} instead: true / false",
                  f"{true_above} / {false_above}")
    table.add_row("missed (LR below threshold)", f"{len(result.missed)} "
                  f"({sum(1 for m in result.missed if m['degraded'])} degraded)")
    for shape, (found, present) in result.by_shape().items():
        table.add_row(f"  found with {shape} typed", f"{found} of {present}")
    table.add_section()
    for phase, seconds in result.timings.items():
        table.add_row(f"time: {phase}", f"{seconds:.1f} s")
    return table


def _identifications(result: DemoResult, limit: int = 8) -> Table:
    table = Table(title="strongest identifications (candidates for two-reviewer review)")
    for column in ("case", "family references", "unidentified person", "log10 LR"):
        table.add_column(column)
    for entry in result.identifications[:limit]:
        table.add_row(entry["case"], entry["family"], str(entry["label"]),
                      f"{entry['log10_lr']:.1f}" + (" (degraded)" if entry["degraded"] else ""))
    return table


def demo(
    cases: Annotated[int, typer.Option(help="Missing-person cases.", min=1)] = 300,
    unidentified: Annotated[int, typer.Option(
        help="Unidentified remains (about half are the cases' missing persons).", min=2)] = 200,
    background: Annotated[int, typer.Option(help="Unrelated background profiles.", min=0)
                          ] = 100_000,
    threshold: Annotated[float | None, typer.Option(
        help="LR threshold for a candidate (default: REUNITE_LR_THRESHOLD).")] = None,
    data_dir: Annotated[Path, typer.Option(
        help="Fresh data directory for the demo (a previous demo's is replaced).")
    ] = Path("build") / "reunite-demo",
    shared_dir: Annotated[Path | None, typer.Option(
        help="Folder holding data/nist-1036-us-population (default: $REUNITE_SHARED_DIR "
             "or ../shared).")] = None,
    seed: Annotated[int, typer.Option(help="Simulation seed.")] = 2026,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Run the whole job on simulated data: cases, lab files, import, blind search, truth.

    Example:

        reunite demo --cases 300 --unidentified 200 --background 100000

    Creates a fresh SQLite data directory; simulates missing-person cases with varied
    family references (parents; one sibling; grandfather and uncle; spouse and
    children), unidentified remains (some are the missing, some degraded) and unrelated
    background profiles from the NIST 1036 frequencies (a labelled synthetic table when
    the shared data are absent); writes GeneMapper and CMF lab files and imports them;
    runs the blind search and checks every identification against the simulation.
    """
    from reunite.demo import run_demo  # lazy: keeps `reunite --help` fast

    console = Console(highlight=False, stderr=as_json)
    table, synthetic = _table(shared_dir, console)
    configured = get_settings()
    settings = replace(configured, data_dir=data_dir, database_url=None, master_key=None,
                       master_key_file=None,
                       lr_threshold=configured.lr_threshold if threshold is None else threshold)
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console, transient=True, disable=as_json) as bar:
        task = bar.add_task("starting", total=1.0)

        def step(message: str, fraction: float) -> None:
            bar.update(task, description=message, completed=fraction)

        result = run_demo(settings, table, synthetic=synthetic, cases=cases,
                          unidentified=unidentified, background=background,
                          seed=seed, step=step)
    credentials = data_dir / "demo-credentials.txt"
    credentials.write_text("".join(f"{user}\t{password}\n" for user, password in
                                   result.credentials.items()), encoding="utf-8")
    credentials.chmod(0o600)
    # What the simulation knows, for checking the stored candidates independently.
    (data_dir / "demo-truth.json").write_text(json.dumps(result.truth, indent=1),
                                              encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    console.print(_summary(result))
    if result.identifications:
        console.print(_identifications(result))
    console.print(
        "The candidates are stored for review. Open the web service on the same data:\n"
        f"  [bold]reunite serve --data-dir {data_dir}[/]   then http://127.0.0.1:8000/ui/ "
        "(API docs at /docs)\n"
        f"Demo users and passwords: {credentials} (reviewer1 and reviewer2 confirm).")


def register(app: typer.Typer) -> None:
    """Add ``reunite demo`` to ``app``."""
    app.command(name="demo")(demo)

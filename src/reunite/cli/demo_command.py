"""``reunite demo``: what reunite can do today, on real data when it is there.

Until the full workflow (enrol → search → review → report) exists, the demo shows the
rarity of real DNA profiles: it loads the NIST U.S. population data set 1036 (allele
frequencies and the genotypes of 1036 unrelated people) from ``../shared/data``, and
prints the random match probability (RMP) and the identity likelihood ratio (LR = 1/RMP)
of a few of those profiles at θ = 0 (NRC II 4.1) and θ = 0.01 (Balding–Nichols, NRC II
4.10), on all their markers and on the 20 CODIS core and 12 ESS markers only.

The shared folder is ``$REUNITE_SHARED_DIR`` or ``../shared`` beside the working
directory or the repository. When it is absent the demo says so and uses a small
*synthetic* table and profiles, labelled as such everywhere.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from reunite.genetics.frequencies import (
    FrequencyTable,
    read_nist_1036_frequencies,
    read_nist_1036_genotypes,
)
from reunite.genetics.kits import get_kit
from reunite.genetics.profile import Genotype, Profile
from reunite.stats.rmp import random_match_probability

__all__ = ["demo", "register"]

_NIST_DIR = Path("data") / "nist-1036-us-population"
_FREQUENCIES = "nist1036_allele_frequencies.csv"
_GENOTYPES = "nist1036_genotypes_wide.csv"
_THETAS = (0.0, 0.01)


@dataclass(frozen=True)
class _DemoData:
    table: FrequencyTable
    profiles: tuple[tuple[str, Profile], ...]  # (population label, profile)
    synthetic: bool
    origin: str


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


def _real_data(shared: Path) -> _DemoData:
    folder = shared / _NIST_DIR
    table = read_nist_1036_frequencies(folder / _FREQUENCIES)
    chosen: list[tuple[str, Profile]] = []
    people = 0
    for population in ("AfAm", "Cauc", "Hisp", "Asian"):
        group = read_nist_1036_genotypes(folder / _GENOTYPES, population=population)
        people += len(group)
        chosen.append((population, group[0]))
    return _DemoData(table, tuple(chosen), synthetic=False,
                     origin=f"{folder} ({people} genotyped people)")


def _synthetic_data() -> _DemoData:
    """A made-up table over the CODIS core loci and four profiles drawn from it."""
    rng = random.Random(1036)
    markers = get_kit("CODIS").markers
    frequencies: dict[str, dict[str, float]] = {}
    for marker in markers:
        weights = [rng.uniform(0.2, 1.0) for _ in range(8)]
        frequencies[marker] = {str(8 + i): w for i, w in enumerate(weights)}
    table = FrequencyTable("SYNTHETIC (made-up frequencies)", frequencies,
                           dict.fromkeys(markers, 500.0))
    profiles = []
    for index in range(4):
        genotypes = {}
        for marker in markers:
            alleles = table.alleles(marker)
            weights = [table.frequency(marker, a) for a in alleles]
            first, second = rng.choices(alleles, weights=weights, k=2)
            genotypes[marker] = Genotype(first, second)
        profiles.append(("synthetic", Profile(f"SYNTH-{index + 1}", genotypes)))
    return _DemoData(table, tuple(profiles), synthetic=True,
                     origin="SYNTHETIC data generated in memory")


def _load(explicit: Path | None, console: Console) -> _DemoData:
    for shared in _shared_candidates(explicit):
        if (shared / _NIST_DIR / _FREQUENCIES).is_file() and (
                shared / _NIST_DIR / _GENOTYPES).is_file():
            return _real_data(shared)
    looked = ", ".join(str(p) for p in _shared_candidates(explicit))
    console.print(f"[yellow]NIST 1036 data not found (looked in {looked}).[/]\n"
                  "[yellow bold]Using a SYNTHETIC frequency table and SYNTHETIC profiles: "
                  "the numbers below describe no real population.[/]")
    return _synthetic_data()


def _rarity_table(data: _DemoData) -> Table:
    title = "Rarity of " + ("SYNTHETIC profiles" if data.synthetic
                            else "real NIST 1036 profiles")
    table = Table(title=title, caption=f"frequencies: {data.table.name}, "
                  f"sha256 {data.table.content_hash[:12]}…")
    table.add_column("sample", no_wrap=True)
    table.add_column("group", no_wrap=True)
    table.add_column("loci", no_wrap=True)
    for theta in _THETAS:
        table.add_column(f"RMP θ={theta:g}", justify="right", no_wrap=True)
        table.add_column(f"LR θ={theta:g}", justify="right", no_wrap=True)
    panels: list[tuple[str, tuple[str, ...] | None]] = [("all", None)]
    panels += [(name, get_kit(name).markers) for name in ("CODIS", "ESS")]
    for population, profile in data.profiles:
        for row, (label, markers) in enumerate(panels):
            results = [random_match_probability(profile, data.table, theta=t, markers=markers)
                       for t in _THETAS]
            cells = []
            for result in results:
                cells += [f"{result.rmp:.2e}", f"10^{result.log10_lr:.1f}"]
            table.add_row(profile.id if row == 0 else "", population if row == 0 else "",
                          f"{label} {len(results[0].markers_used)}", *cells)
        table.add_section()
    return table


def demo(
    shared_dir: Annotated[Path | None, typer.Option(
        help="Folder holding data/nist-1036-us-population (default: $REUNITE_SHARED_DIR "
             "or ../shared).")] = None,
) -> None:
    """Show what reunite can do today: how rare real DNA profiles are.

    Example:

        reunite demo

    Loads the NIST 1036 U.S. population data (frequencies and genotypes) and prints
    the random match probability and LR = 1/RMP of one person per population group,
    at θ = 0 and θ = 0.01, on all typed markers, the CODIS 20 and the ESS 12. Uses a
    clearly labelled synthetic table when the shared data are absent.
    """
    console = Console(highlight=False)
    data = _load(shared_dir, console)
    console.print(f"[bold]reunite demo[/] — frequencies from {data.origin}")
    console.print(_rarity_table(data))
    console.print(
        "RMP: chance that an unrelated person has the same profile (product rule over "
        "autosomal markers; amelogenin is not counted). LR = 1/RMP is the weight of a "
        "direct match. θ = 0.01 allows for shared ancestry (Balding–Nichols).")


def register(app: typer.Typer) -> None:
    """Add ``reunite demo`` to ``app``."""
    app.command(name="demo")(demo)

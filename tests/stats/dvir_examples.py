"""dvir's example datasets as DVI problems, from ``../shared/data/dvir-dvi-examples``.

Built from the ``converted/`` tables (pedigrees, genotypes, frequencies and the mutation
parameters in ``<name>_info.json``; the transition matrices are rebuilt from them with
:func:`reunite.stats.mutation.mutation_matrix`). Untyped helpers that two families both
call ``Father`` are renamed ``<family>:<id>`` so that ids are unique, as the format needs;
victims, references and missing persons keep dvir's names.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import numpy as np

from reunite.genetics.pedigree import Pedigree, Person
from reunite.stats.dvi import DVIProblem, Family, Victim
from reunite.stats.likelihood import Genotype, KinshipMarker
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix

SEX = {"M": "male", "F": "female", "U": "unknown"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _spec(raw: dict[str, list[object]]) -> MutationSpec:
    def first(key: str, default: float) -> float:
        value = raw.get(key)
        return float(value[0]) if isinstance(value, list) and value else default  # type: ignore[arg-type]

    return MutationSpec(model=str(raw["model"][0]), rate=first("rate", 0.0),
                        rate2=first("rate2", 0.0), range=first("range", 1.0))


def converted(folder: Path, name: str) -> DVIProblem:
    """The dataset ``name`` of ``folder`` (``…/dvir-dvi-examples/converted``)."""
    info = json.loads((folder / f"{name}_info.json").read_text(encoding="utf-8"))
    freq_rows = _rows(folder / f"{name}_frequencies.csv")
    mutation_raw = info.get("mutation_models_raw") or {}
    markers = []
    for mname in info["markers"]:
        alleles = tuple(r["allele"] for r in freq_rows if r["marker"] == mname)
        freqs = np.array([float(r["frequency"]) for r in freq_rows if r["marker"] == mname])
        model = None
        if mname in mutation_raw:
            mats = [mutation_matrix(_spec(mutation_raw[mname][sex]), alleles, freqs,
                                    marker=mname) for sex in ("female", "male")]
            model = MutationModel(female=mats[0], male=mats[1])
        markers.append(KinshipMarker(mname, alleles, freqs, model))
    peds = _rows(folder / f"{name}_pedigrees.csv")
    am = [r for r in peds if r["group"] == "AM"]
    keep = {r["id"] for r in peds if r["group"] == "PM" or r["is_typed"] == "1"
            or r["is_missing_person"] == "1"}
    counts = Counter(r["id"] for r in am)

    def rename(family: str, pid: str) -> str:
        return pid if pid in keep or counts[pid] == 1 else f"{family}:{pid}"

    victims = tuple(Victim(r["id"], SEX[r["sex"]]) for r in peds if r["group"] == "PM")
    families = []
    for fam in dict.fromkeys(r["family"] for r in am):
        members = [r for r in am if r["family"] == fam]
        persons = tuple(Person(rename(fam, r["id"]),
                               rename(fam, r["father"]) if r["father"] else None,
                               rename(fam, r["mother"]) if r["mother"] else None,
                               SEX[r["sex"]]) for r in members)
        missing = tuple(r["id"] for r in members if r["is_missing_person"] == "1")
        families.append(Family(fam, Pedigree(persons), missing))
    genotypes: dict[str, dict[str, Genotype | None]] = {}
    for r in _rows(folder / f"{name}_genotypes.csv"):
        genotypes.setdefault(r["id"], {})[r["marker"]] = (r["allele1"] or None,
                                                           r["allele2"] or None)
    return DVIProblem(name, victims, tuple(families), tuple(markers), genotypes)

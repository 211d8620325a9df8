"""Family files (``reunite-family/1``): the query side of the file-based searches.

``reunite search screen|blind`` read them and ``reunite simulate families`` writes them. One
object or a JSON array of them::

    {"id": "case-17",
     "pedigree": [{"id": "FA", "sex": "male"}, {"id": "MO", "sex": "female"},
                  {"id": "MP", "father": "FA", "mother": "MO"}],
     "missing_person": "MP",
     "references": {"FA": {"vWA": ["14", "17"], "TH01": ["6", "9.3"]}}}

Errors name the file and the JSON path of the bad value.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reunite.errors import FileFormatError, ReuniteError
from reunite.genetics.markers import canonical_marker_name
from reunite.genetics.pedigree import Pedigree, Person
from reunite.search import FamilyCase

__all__ = ["family_to_json", "read_families"]


def _texts(value: Any, *, source: str, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not 1 <= len(value) <= 2:
        raise FileFormatError("a genotype is a list of one or two alleles", source=source,
                              field=field, value=value)
    return tuple(str(a) for a in value)


def _family(data: Any, source: str, where: str) -> FamilyCase:
    if not isinstance(data, dict):
        raise FileFormatError("a family is a JSON object", source=source, field=where)
    for key in ("id", "pedigree", "missing_person"):
        if key not in data:
            raise FileFormatError(f"missing key {key!r}", source=source, field=where)
    persons = []
    for n, raw in enumerate(data["pedigree"] if isinstance(data["pedigree"], list) else []):
        if not isinstance(raw, dict) or "id" not in raw:
            raise FileFormatError("a person needs an id", source=source,
                                  field=f"{where}.pedigree[{n}]", value=raw)
        persons.append(Person(str(raw["id"]), raw.get("father"), raw.get("mother"),
                              str(raw.get("sex", "unknown"))))
    references: dict[str, dict[str, tuple[str, ...]]] = {}
    raw_refs = data.get("references", {})
    if not isinstance(raw_refs, dict):
        raise FileFormatError("references map person ids to genotypes", source=source,
                              field=f"{where}.references")
    for person, genotypes in raw_refs.items():
        if not isinstance(genotypes, dict):
            raise FileFormatError("genotypes map marker names to alleles", source=source,
                                  field=f"{where}.references.{person}")
        references[str(person)] = {
            canonical_marker_name(m, allow_unknown=True):
                _texts(v, source=source, field=f"{where}.references.{person}.{m}")
            for m, v in genotypes.items() if v
        }
    try:
        return FamilyCase(str(data["id"]), Pedigree(tuple(persons)),
                          str(data["missing_person"]), references)
    except ReuniteError as exc:
        raise FileFormatError(exc.message, source=source, field=where,
                              problems=exc.problems, value=exc.context.get("value")) from exc


def read_families(path: str | Path) -> list[FamilyCase]:
    """Families from a ``reunite-family/1`` JSON file (one object or an array)."""
    source = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise FileFormatError(f"cannot read: {exc.strerror}", source=source) from exc
    except UnicodeDecodeError as exc:
        raise FileFormatError("not UTF-8 text", source=source, value=exc.reason) from exc
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"not valid JSON: {exc.msg}", source=source,
                              line=exc.lineno) from exc
    items = data if isinstance(data, list) else [data]
    families = [_family(item, source, f"$[{n}]" if isinstance(data, list) else "$")
                for n, item in enumerate(items)]
    ids = [f.family_id for f in families]
    if len(set(ids)) != len(ids):
        raise FileFormatError("family ids must be unique", source=source, value=ids)
    return families


def family_to_json(family: FamilyCase) -> dict[str, Any]:
    """A family in the ``reunite-family/1`` shape (for ``reunite simulate``)."""
    return {
        "id": family.family_id,
        "pedigree": [{"id": p.id, "father": p.father, "mother": p.mother, "sex": p.sex}
                     for p in family.pedigree.persons],
        "missing_person": family.missing_person,
        "references": {person: {m: list(v) for m, v in g.items()}
                       for person, g in family.references.items()},
    }

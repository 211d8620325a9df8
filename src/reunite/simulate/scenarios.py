"""Named missing-person scenarios: a pedigree, who is missing, who is typed.

Used by ``reunite simulate families``, the validation scripts and the benchmarks, so a
"one sibling" study means the same family everywhere:

=====================  =========================================  ==================
name                   pedigree                                   typed references
=====================  =========================================  ==================
``parents``            father FA, mother MO, children MP and SIB  FA, MO
``parent``             same                                       FA
``sibling``            same                                       SIB
``grandparent-uncle``  grandparents GF, GM; their sons MPF and    GF, UN
                       UN; MP is the child of MPF and MPM
=====================  =========================================  ==================
"""

from __future__ import annotations

from dataclasses import dataclass

from reunite.errors import InputError
from reunite.genetics.pedigree import Pedigree, Person, nuclear_family

__all__ = ["SCENARIOS", "Scenario", "get_scenario"]


@dataclass(frozen=True)
class Scenario:
    """A pedigree with the missing person ``missing`` and the ``typed`` relatives."""

    name: str
    pedigree: Pedigree
    missing: str
    typed: tuple[str, ...]


def _three_generations() -> Pedigree:
    return Pedigree((
        Person("GF", None, None, "male"), Person("GM", None, None, "female"),
        Person("MPF", "GF", "GM", "male"), Person("UN", "GF", "GM", "male"),
        Person("MPM", None, None, "female"), Person("MP", "MPF", "MPM", "unknown"),
    ))


_NUCLEAR = nuclear_family(("MP", "SIB"))

SCENARIOS: dict[str, Scenario] = {
    "parents": Scenario("parents", _NUCLEAR, "MP", ("FA", "MO")),
    "parent": Scenario("parent", _NUCLEAR, "MP", ("FA",)),
    "sibling": Scenario("sibling", _NUCLEAR, "MP", ("SIB",)),
    "grandparent-uncle": Scenario("grandparent-uncle", _three_generations(), "MP",
                                  ("GF", "UN")),
}


def get_scenario(name: str) -> Scenario:
    """The scenario called ``name`` (an :class:`InputError` lists the known ones)."""
    try:
        return SCENARIOS[name]
    except KeyError:
        raise InputError(f"unknown scenario (one of {', '.join(SCENARIOS)})",
                         field="scenario", value=name) from None

"""Hypotheses are data: a named pedigree that contains every typed person.

A kinship question compares two or more hypotheses about how the typed persons are
related (forrel's ``kinshipLR``). The first hypothesis is the numerator of every LR.
"""

from __future__ import annotations

from dataclasses import dataclass

from reunite.genetics.pedigree import Pedigree

__all__ = ["Hypothesis"]


@dataclass(frozen=True)
class Hypothesis:
    """A named pedigree (e.g. ``"paternity"``, ``"unrelated"``)."""

    name: str
    pedigree: Pedigree

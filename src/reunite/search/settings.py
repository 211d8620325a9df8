"""Search settings: the one value every search path takes (files, database, API, web, Dask,
report).

A :class:`SearchSettings` is frozen and validated at construction. It is built once from the
installation's :class:`reunite.config.Settings` (``reunite.services.settings.search_settings``)
and overridden per search by CLI options or API fields with :meth:`SearchSettings.with_overrides`;
nothing else in reunite holds a default for these values. :meth:`SearchSettings.to_provenance`
is what a result records of them.

* ``theta``: the Balding–Nichols subpopulation correction θ (NRC II 4.10) used in random-match
  probabilities and in the kinship likelihoods (screen tables and exact re-scores).
* ``mutation_female`` / ``mutation_male``: the mutation model of a maternal / paternal
  meiosis (pedmut/Familias models; ``None`` means no mutation, so any Mendelian
  inconsistency is an exclusion).
* ``min_allele_count``: an allele the frequency table lacks gets ``min_allele_count / 2N``
  (NRC II: 5/2N) before renormalisation (:meth:`SearchSettings.frequency_table` applies it
  to a table read with another count).
* ``lr_threshold``: the LR at or above which a hit is stored as a candidate for review.
* ``k``: how many best hits a search keeps per family (and per profile in a blind search).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reunite.errors import InputError
from reunite.genetics.frequencies import FrequencyTable
from reunite.stats.mutation import MODEL_NAMES, MutationModel, MutationSpec, mutation_matrix

__all__ = ["DEFAULT_MUTATION", "MAX_K", "SearchSettings"]

DEFAULT_MUTATION = MutationSpec("equal", rate=0.001)
"""The installation default when nothing is configured: equal model, rate 0.001 per meiosis
(the order of STR mutation rates), so one mutated allele lowers an LR instead of excluding."""

MAX_K = 1000


def _check_spec(spec: MutationSpec | None, field: str) -> None:
    if spec is None:
        return
    if spec.model not in MODEL_NAMES:
        raise InputError(f"unknown mutation model (one of {', '.join(MODEL_NAMES)})",
                         field=field, value=spec.model)
    for name in ("rate", "rate2"):
        value = getattr(spec, name)
        if not (isinstance(value, int | float) and math.isfinite(value) and 0.0 <= value < 1.0):
            raise InputError(f"the mutation {name} must be in [0, 1)", field=f"{field}.{name}",
                             value=value)


@dataclass(frozen=True)
class SearchSettings:
    """θ, female and male mutation models, minimum allele count, LR threshold and k."""

    theta: float = 0.0
    mutation_female: MutationSpec | None = DEFAULT_MUTATION
    mutation_male: MutationSpec | None = DEFAULT_MUTATION
    min_allele_count: float = 5.0
    lr_threshold: float = 10_000.0
    k: int = 10

    def __post_init__(self) -> None:
        if not (isinstance(self.theta, int | float) and not isinstance(self.theta, bool)
                and 0.0 <= self.theta < 1.0):
            raise InputError("theta must be in [0, 1)", field="theta", value=self.theta)
        if not (isinstance(self.min_allele_count, int | float)
                and math.isfinite(self.min_allele_count) and self.min_allele_count > 0):
            raise InputError("min_allele_count must be a positive number",
                             field="min_allele_count", value=self.min_allele_count)
        if not (isinstance(self.lr_threshold, int | float) and not isinstance(
                self.lr_threshold, bool) and math.isfinite(self.lr_threshold)
                and self.lr_threshold > 0):
            raise InputError("lr_threshold must be a positive, finite LR",
                             field="lr_threshold", value=self.lr_threshold)
        if isinstance(self.k, bool) or not isinstance(self.k, int) or not 1 <= self.k <= MAX_K:
            raise InputError(f"k must be an integer from 1 to {MAX_K}", field="k", value=self.k)
        _check_spec(self.mutation_female, "mutation_female")
        _check_spec(self.mutation_male, "mutation_male")
        object.__setattr__(self, "theta", float(self.theta))
        object.__setattr__(self, "min_allele_count", float(self.min_allele_count))
        object.__setattr__(self, "lr_threshold", float(self.lr_threshold))

    def with_overrides(self, **overrides: Any) -> SearchSettings:
        """A copy with the given fields replaced; ``None`` values leave a field as it is.

        ``mutation`` sets both sexes at once; ``mutation_rate`` keeps each sex's model and
        sets its rate (a new ``equal`` model where a sex had none).
        """
        values = {k: v for k, v in overrides.items() if v is not None}
        if "mutation" in values:
            spec = values.pop("mutation")
            values.setdefault("mutation_female", spec)
            values.setdefault("mutation_male", spec)
        if "mutation_rate" in values:
            rate = values.pop("mutation_rate")
            for sex in ("mutation_female", "mutation_male"):
                current = values.get(sex, getattr(self, sex))
                values[sex] = (MutationSpec("equal", rate=rate) if current is None
                               else replace(current, rate=rate))
        unknown = set(values) - set(self.__dataclass_fields__)
        if unknown:
            raise InputError("unknown search setting", field=sorted(unknown)[0])
        return replace(self, **values)

    @property
    def has_mutation(self) -> bool:
        """True when either sex can mutate."""
        return self.mutation_female is not None or self.mutation_male is not None

    def mutation_model(self, marker: str, alleles: Sequence[str],
                       frequencies: NDArray[np.float64]) -> MutationModel | None:
        """The female and male transition matrices of one marker (``None``: no mutation)."""
        if not self.has_mutation:
            return None
        n = len(alleles)
        eye = np.eye(n)
        female = (eye if self.mutation_female is None else
                  mutation_matrix(self.mutation_female, alleles, frequencies, marker=marker))
        if self.mutation_male == self.mutation_female:
            male = female
        else:
            male = (eye if self.mutation_male is None else
                    mutation_matrix(self.mutation_male, alleles, frequencies, marker=marker))
        return MutationModel(female=female, male=male, description=self.mutation_description())

    def mutation_description(self) -> dict[str, Any]:
        """The mutation models in words for provenance and reports."""
        return {"female": None if self.mutation_female is None else
                self.mutation_female.to_dict(),
                "male": None if self.mutation_male is None else self.mutation_male.to_dict()}

    def frequency_table(self, table: FrequencyTable) -> FrequencyTable:
        """``table`` with this ``min_allele_count`` (itself when it has it already).

        The frequencies and sample sizes are kept; only the frequency an unseen allele
        gets changes, so the content hash names the table actually used.
        """
        if table.min_allele_count == self.min_allele_count:
            return table
        sizes = {m: n for m in table.markers if (n := table.sample_size(m)) is not None}
        return FrequencyTable(table.name, {m: table.frequencies(m) for m in table.markers},
                              sizes, min_allele_count=self.min_allele_count,
                              min_frequency=table.min_frequency)

    def to_provenance(self) -> dict[str, Any]:
        """What a result records of these settings (JSON-ready)."""
        return {"theta": self.theta, "mutation": self.mutation_description(),
                "min_allele_count": self.min_allele_count, "lr_threshold": self.lr_threshold,
                "k": self.k}

    @classmethod
    def from_provenance(cls, recorded: Mapping[str, Any]) -> SearchSettings:
        """The settings a result recorded with :meth:`to_provenance` (e.g. a stored
        candidate's, so its report recomputes the LR the search found)."""
        try:
            mutation = recorded["mutation"]
            return cls(theta=recorded["theta"],
                       mutation_female=_spec_of(mutation["female"]),
                       mutation_male=_spec_of(mutation["male"]),
                       min_allele_count=recorded["min_allele_count"],
                       lr_threshold=recorded["lr_threshold"], k=recorded["k"])
        except (KeyError, TypeError) as exc:
            raise InputError("the recorded search settings are incomplete",
                             field="settings", value=str(exc)) from exc


def _spec_of(recorded: Mapping[str, Any] | None) -> MutationSpec | None:
    return None if recorded is None else MutationSpec(**recorded)

"""The installation's search settings: :class:`reunite.config.Settings` →
:class:`reunite.search.settings.SearchSettings`, built in this one place.

Every search path (the ``reunite search`` commands over files, the database-backed searches,
the API, the web pages, the Dask-sharded index and the identification report) starts from
:func:`search_settings` and applies its own options with
:meth:`~reunite.search.settings.SearchSettings.with_overrides`.
"""

from __future__ import annotations

from typing import Any

from reunite.config import Settings
from reunite.search.settings import SearchSettings
from reunite.stats.mutation import MutationSpec

__all__ = ["search_settings"]


def _spec(model: str, rate: float) -> MutationSpec | None:
    return None if model == "none" else MutationSpec(model, rate=rate)


def search_settings(settings: Settings, **overrides: Any) -> SearchSettings:
    """The search settings of ``settings`` (``REUNITE_THETA``, ``REUNITE_MUTATION_*``,
    ``REUNITE_MIN_ALLELE_COUNT``, ``REUNITE_LR_THRESHOLD``, ``REUNITE_SEARCH_K`` or the
    config file), with ``overrides`` applied (``None`` leaves a value as configured)."""
    male_rate = (settings.mutation_rate if settings.mutation_rate_male is None
                 else settings.mutation_rate_male)
    base = SearchSettings(
        theta=settings.theta,
        mutation_female=_spec(settings.mutation_model, settings.mutation_rate),
        mutation_male=_spec(settings.mutation_model, male_rate),
        min_allele_count=settings.min_allele_count,
        lr_threshold=settings.lr_threshold,
        k=settings.search_k,
    )
    return base.with_overrides(**overrides) if overrides else base

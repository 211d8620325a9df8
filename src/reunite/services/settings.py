"""The installation's search settings: :class:`reunite.config.Settings` →
:class:`reunite.search.settings.SearchSettings`, built in this one place.

Every search path (the ``reunite search`` commands over files, the database-backed searches,
the API, the web pages, the Dask-sharded index and the identification report) starts from
:func:`search_settings` and applies its caller's options with :func:`with_options` (the
CLI's ``--theta``, ``--mutation-model``, ``--mutation-rate``, ``--mutation-rate-male``,
``--threshold``, ``--k``; the same fields of ``POST /searches``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reunite.config import MUTATION_MODELS, Settings
from reunite.errors import InputError
from reunite.search.settings import SearchSettings
from reunite.stats.mutation import MutationSpec

__all__ = ["search_settings", "with_options"]


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


def _sex(current: MutationSpec | None, model: str | None, rate: float | None, field: str
         ) -> MutationSpec | None:
    if model == "none":
        return None
    if model is None or (current is not None and current.model == model):
        if current is None:
            return None if rate is None else MutationSpec("equal", rate=rate)
        return current if rate is None else replace(current, rate=rate)
    chosen = rate if rate is not None else (current.rate if current is not None else None)
    if chosen is None:
        raise InputError(f"the {model} mutation model needs a rate", field=field)
    return MutationSpec(model, rate=chosen)


def with_options(base: SearchSettings, *, theta: float | None = None,
                 mutation_model: str | None = None, mutation_rate: float | None = None,
                 mutation_rate_male: float | None = None, lr_threshold: float | None = None,
                 k: int | None = None) -> SearchSettings:
    """``base`` with a caller's options (``None`` keeps the value; validated).

    ``mutation_model`` (``equal``, ``proportional``, ``onestep``, ``stepwise`` or ``none``)
    sets both sexes' model; ``mutation_rate`` is the rate per maternal meiosis and, unless
    ``mutation_rate_male`` is given, per paternal meiosis too. A rate alone keeps each
    sex's model (an ``equal`` model where a sex had none).
    """
    if mutation_model is not None and mutation_model not in MUTATION_MODELS:
        raise InputError(f"mutation model must be one of {', '.join(MUTATION_MODELS)}",
                         field="mutation_model", value=mutation_model)
    if mutation_model == "none" and (mutation_rate is not None
                                     or mutation_rate_male is not None):
        raise InputError("no mutation model takes no mutation rate", field="mutation_rate",
                         value=mutation_rate if mutation_rate is not None
                         else mutation_rate_male)
    male_rate = mutation_rate_male if mutation_rate_male is not None else mutation_rate
    changed = base.with_overrides(theta=theta, lr_threshold=lr_threshold, k=k)
    return replace(
        changed,
        mutation_female=_sex(base.mutation_female, mutation_model, mutation_rate,
                             "mutation_rate"),
        mutation_male=_sex(base.mutation_male, mutation_model, male_rate,
                           "mutation_rate_male"))

"""The search-settings options every ``reunite search`` command takes, in one place.

Each defaults to the installation's setting (``REUNITE_THETA``, ``REUNITE_MUTATION_MODEL``,
``REUNITE_MUTATION_RATE``, ``REUNITE_MUTATION_RATE_MALE``, ``REUNITE_LR_THRESHOLD``,
``REUNITE_SEARCH_K`` or the config file); :func:`search_settings_for` applies the given ones
(:func:`reunite.services.settings.with_options`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from reunite.config import Settings

if TYPE_CHECKING:
    from reunite.search.settings import SearchSettings

__all__ = ["K", "MutationModel", "MutationRate", "MutationRateMale", "Theta", "Threshold",
           "search_settings_for"]

Theta = Annotated[float | None, typer.Option(
    help="Subpopulation correction θ, Balding–Nichols (default: REUNITE_THETA).")]
MutationModel = Annotated[str | None, typer.Option(
    help="Mutation model of both sexes: equal, proportional, onestep, stepwise or none "
         "(default: REUNITE_MUTATION_MODEL).")]
MutationRate = Annotated[float | None, typer.Option(
    help="Mutation rate per maternal meiosis, and paternal unless --mutation-rate-male "
         "(default: REUNITE_MUTATION_RATE).")]
MutationRateMale = Annotated[float | None, typer.Option(
    help="Mutation rate per paternal meiosis (default: REUNITE_MUTATION_RATE_MALE).")]
Threshold = Annotated[float | None, typer.Option(
    help="LR at or above which a hit is kept as a candidate (default: "
         "REUNITE_LR_THRESHOLD).")]
K = Annotated[int | None, typer.Option(help="Best hits kept per family (default: "
                                       "REUNITE_SEARCH_K).")]


def search_settings_for(settings: Settings, *, theta: float | None = None,
                        mutation_model: str | None = None, mutation_rate: float | None = None,
                        mutation_rate_male: float | None = None,
                        threshold: float | None = None, k: int | None = None
                        ) -> SearchSettings:
    """The installation's search settings with a command's options applied."""
    # Imported here: the search settings pull in numpy, and `reunite --help` must stay quick.
    from reunite.services.settings import search_settings, with_options

    return with_options(search_settings(settings), theta=theta,
                        mutation_model=mutation_model, mutation_rate=mutation_rate,
                        mutation_rate_male=mutation_rate_male, lr_threshold=threshold, k=k)

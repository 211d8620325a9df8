"""Search settings for the search tests: one mutation model for both sexes, or none."""

from __future__ import annotations

from typing import Any

from reunite.search.settings import SearchSettings
from reunite.stats.mutation import MutationSpec


def settings_for(mutation: MutationSpec | None = None, **values: Any) -> SearchSettings:
    """:class:`SearchSettings` with ``mutation`` for both sexes (None: no mutation)."""
    return SearchSettings(mutation_female=mutation, mutation_male=mutation, **values)

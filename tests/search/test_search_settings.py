"""SearchSettings: the one validated value every search path takes, and its config builder."""

from __future__ import annotations

import numpy as np
import pytest

from reunite.config import load_settings
from reunite.errors import ConfigurationError, InputError
from reunite.search.settings import DEFAULT_MUTATION, SearchSettings
from reunite.services.settings import search_settings
from reunite.stats.mutation import MutationSpec


class TestSearchSettingsErrors:
    @pytest.mark.parametrize(("field", "value"), [
        ("theta", -0.01), ("theta", 1.0), ("theta", True), ("min_allele_count", 0.0),
        ("lr_threshold", 0.0), ("lr_threshold", float("inf")), ("k", 0), ("k", 1001),
        ("k", True),
    ])
    def test_out_of_range__names_the_field(self, field: str, value: object) -> None:
        with pytest.raises(InputError) as info:
            SearchSettings(**{field: value})  # type: ignore[arg-type]

        assert info.value.field == field
        assert info.value.context.get("value") == value

    def test_bad_mutation_rate__names_sex_and_rate(self) -> None:
        with pytest.raises(InputError) as info:
            SearchSettings(mutation_male=MutationSpec("equal", rate=1.5))

        assert info.value.field == "mutation_male.rate"

    def test_unknown_override__refused(self) -> None:
        with pytest.raises(InputError, match="unknown search setting"):
            SearchSettings().with_overrides(tehta=0.01)


class TestSearchSettingsExamples:
    def test_overrides__none_keeps_value(self) -> None:
        base = SearchSettings(theta=0.02, k=7)

        changed = base.with_overrides(theta=None, k=3)

        assert (changed.theta, changed.k) == (0.02, 3)
        assert (base.theta, base.k) == (0.02, 7)

    def test_mutation_rate_override__keeps_models_per_sex(self) -> None:
        base = SearchSettings(mutation_female=MutationSpec("stepwise", rate=0.001, range=0.1),
                              mutation_male=None)

        changed = base.with_overrides(mutation_rate=0.003)

        assert MutationSpec("stepwise", rate=0.003, range=0.1) == changed.mutation_female
        assert MutationSpec("equal", rate=0.003) == changed.mutation_male

    def test_mutation_model__female_and_male_matrices_differ(self) -> None:
        settings = SearchSettings(mutation_female=MutationSpec("equal", rate=0.001),
                                  mutation_male=MutationSpec("equal", rate=0.004))
        p = np.array([0.2, 0.3, 0.5])

        model = settings.mutation_model("TH01", ("6", "7", "8"), p)

        assert model is not None
        assert model.female[0, 0] == pytest.approx(1 - 0.001, rel=1e-12)
        assert model.male[0, 0] == pytest.approx(1 - 0.004, rel=1e-12)
        assert model.female[0, 1] == pytest.approx(0.001 / 2, rel=1e-12)

    def test_no_mutation__no_model(self) -> None:
        settings = SearchSettings(mutation_female=None, mutation_male=None)

        assert settings.mutation_model("TH01", ("6", "7"), np.array([0.4, 0.6])) is None

    def test_provenance__records_every_setting(self) -> None:
        settings = SearchSettings(theta=0.03, k=5, lr_threshold=1e6, min_allele_count=2)

        prov = settings.to_provenance()

        assert prov == {"theta": 0.03, "k": 5, "lr_threshold": 1e6, "min_allele_count": 2.0,
                "mutation": {"female": DEFAULT_MUTATION.to_dict(),
                             "male": DEFAULT_MUTATION.to_dict()}}


class TestSearchSettingsFromConfig:
    def test_environment_reaches_the_search_settings(self) -> None:
        settings = load_settings({"REUNITE_THETA": "0.03", "REUNITE_MIN_ALLELE_COUNT": "2",
                                  "REUNITE_MUTATION_MODEL": "proportional",
                                  "REUNITE_MUTATION_RATE": "0.002",
                                  "REUNITE_MUTATION_RATE_MALE": "0.005",
                                  "REUNITE_LR_THRESHOLD": "1e6", "REUNITE_SEARCH_K": "4",
                                  "REUNITE_DATA_DIR": "/nonexistent-reunite"})

        built = search_settings(settings)

        assert SearchSettings(theta=0.03, min_allele_count=2.0, lr_threshold=1e6, k=4,
                              mutation_female=MutationSpec("proportional", rate=0.002),
                              mutation_male=MutationSpec("proportional", rate=0.005)) == built

    def test_mutation_none__no_mutation_and_overrides_apply(self) -> None:
        settings = load_settings({"REUNITE_MUTATION_MODEL": "none",
                                  "REUNITE_DATA_DIR": "/nonexistent-reunite"})

        built = search_settings(settings, theta=0.01)

        assert (built.mutation_female, built.mutation_male, built.theta) == (None, None, 0.01)

    def test_defaults__equal_0_001_both_sexes(self) -> None:
        built = search_settings(load_settings({"REUNITE_DATA_DIR": "/nonexistent-reunite"}))

        assert (built.mutation_female, built.mutation_male) == (DEFAULT_MUTATION,
                                                                DEFAULT_MUTATION)

    @pytest.mark.parametrize(("name", "value"), [
        ("REUNITE_MUTATION_MODEL", "random"), ("REUNITE_MUTATION_RATE", "1.2"),
        ("REUNITE_MUTATION_RATE_MALE", "-0.1"), ("REUNITE_SEARCH_K", "0"),
        ("REUNITE_LR_THRESHOLD", "0"),
    ])
    def test_bad_config__configuration_error(self, name: str, value: str) -> None:
        with pytest.raises(ConfigurationError) as info:
            load_settings({name: value, "REUNITE_DATA_DIR": "/nonexistent-reunite"})

        assert info.value.field == name.removeprefix("REUNITE_").lower()

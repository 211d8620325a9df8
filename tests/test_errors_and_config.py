"""The exception tree, exit codes and settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from reunite.config import load_settings
from reunite.errors import (
    AlleleError,
    ConfigurationError,
    FileFormatError,
    InputError,
    PossibleMixtureError,
    Problem,
    PurposeNotPermitted,
    exit_code_for,
)


class TestErrors:
    def test_context_is_available_as_attributes_and_in_text(self) -> None:
        err = FileFormatError("bad allele", source="a.csv", line=7, marker="TH01", value="abc")

        assert err.source == "a.csv"
        assert err.line == 7
        assert err.marker == "TH01"
        assert err.value == "abc"
        assert "a.csv" in str(err)
        assert "line 7" in str(err)
        assert "'abc'" in str(err)

    def test_unset_location_reads_as_none(self) -> None:
        assert AlleleError("x").line is None

    def test_problems_are_listed(self) -> None:
        err = InputError("2 problems", problems=[Problem("one", line=1), Problem("two", line=2)])

        assert "line 1: one" in str(err)
        assert "line 2: two" in str(err)

    @pytest.mark.parametrize(
        ("error", "code"),
        [
            (AlleleError("x"), 2),
            (PossibleMixtureError("x"), 2),
            (PurposeNotPermitted("x"), 3),
            (ConfigurationError("x"), 7),
        ],
    )
    def test_exit_codes(self, error: Exception, code: int) -> None:
        assert exit_code_for(error) == code  # type: ignore[arg-type]


class TestSettings:
    def test_defaults(self, tmp_path: Path) -> None:
        settings = load_settings({"REUNITE_DATA_DIR": str(tmp_path)})

        assert settings.theta == 0.0
        assert settings.effective_database_url.startswith("sqlite:///")

    def test_environment_overrides_file(self, tmp_path: Path) -> None:
        (tmp_path / "reunite.toml").write_text("theta = 0.01\nport = 9000\n")

        settings = load_settings({"REUNITE_DATA_DIR": str(tmp_path), "REUNITE_THETA": "0.02"})

        assert settings.theta == 0.02
        assert settings.port == 9000

    def test_bad_values_name_the_setting(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigurationError, match="theta"):
            load_settings({"REUNITE_DATA_DIR": str(tmp_path), "REUNITE_THETA": "lots"})
        with pytest.raises(ConfigurationError, match="theta"):
            load_settings({"REUNITE_DATA_DIR": str(tmp_path), "REUNITE_THETA": "1.5"})

    def test_unknown_key_in_file_is_refused(self, tmp_path: Path) -> None:
        (tmp_path / "reunite.toml").write_text("colour = 'blue'\n")

        with pytest.raises(ConfigurationError, match="colour"):
            load_settings({"REUNITE_DATA_DIR": str(tmp_path)})

"""Settings: read once, from ``REUNITE_*`` environment variables and an optional TOML file.

Precedence (highest first): environment variables, the config file, defaults. The config
file is ``$REUNITE_CONFIG`` if set, else ``<data_dir>/reunite.toml`` when it exists. Keys in
the file are the setting names without the prefix, lower case, e.g.::

    database_url = "postgresql+psycopg://reunite@db/reunite"
    theta = 0.01
    min_allele_count = 5
    mutation_model = "stepwise"     # equal, proportional, onestep, stepwise, or none
    mutation_rate = 0.002           # per maternal meiosis (and paternal unless set below)
    mutation_rate_male = 0.004

:func:`get_settings` reads them once per process and caches the result; tests call
:func:`load_settings` with an explicit environment instead.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from reunite.errors import ConfigurationError

__all__ = ["MUTATION_MODELS", "Settings", "get_settings", "load_settings"]

_PREFIX = "REUNITE_"
MUTATION_MODELS = ("equal", "proportional", "onestep", "stepwise", "none")


@dataclass(frozen=True)
class Settings:
    """Everything configurable in reunite, with its default.

    ``min_allele_count`` sets the minimum allele frequency for unseen alleles as
    ``min_allele_count / (2N)`` (NRC II recommends 5/2N). ``mutation_model`` (``equal``,
    ``proportional``, ``onestep``, ``stepwise`` or ``none``), ``mutation_rate`` and
    ``mutation_rate_male`` (default: the same as ``mutation_rate``) are the installation's
    mutation model for every kinship search; ``search_k`` is how many best hits a search
    keeps; ``database_size`` is the number of profiles a family is searched against,
    for calibration where the store's own count is not at hand (``reunite calibrate`` on a
    case file). :func:`reunite.services.settings.search_settings` turns these into the one
    :class:`reunite.search.settings.SearchSettings` every search path takes.
    """

    data_dir: Path = Path("reunite-data")
    database_url: str | None = None
    master_key: str | None = None
    master_key_file: Path | None = None
    theta: float = 0.0
    min_allele_count: float = 5.0
    lr_threshold: float = 10_000.0
    database_size: int = 100_000
    mutation_model: str = "equal"
    mutation_rate: float = 0.001
    mutation_rate_male: float | None = None
    search_k: int = 10
    scheduler: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    token_minutes: int = 30
    log_level: str = "INFO"

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'reunite.sqlite3').resolve()}"

    @property
    def effective_master_key_file(self) -> Path:
        """Where the master key lives when it is not given in the environment."""
        return self.master_key_file or self.data_dir / "master.key"


def _coerce(name: str, raw: Any, target: Any, origin: str) -> Any:
    kind = target if isinstance(target, type) else type(target)
    try:
        if name in {"data_dir", "master_key_file"}:
            return Path(str(raw)).expanduser()
        if name in {"theta", "min_allele_count", "lr_threshold", "mutation_rate"}:
            return float(raw)
        if name == "mutation_rate_male":
            return None if raw in (None, "") else float(raw)
        if name in {"port", "token_minutes", "search_k", "database_size"}:
            return int(raw)
        return None if raw in (None, "") else str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(
            f"setting {name} must be {kind.__name__}", source=origin, field=name, value=raw
        ) from exc


def load_settings(
    environ: Mapping[str, str] | None = None, *, config_file: Path | None = None
) -> Settings:
    """Build :class:`Settings` from ``environ`` (default ``os.environ``) and a TOML file."""
    env = os.environ if environ is None else environ
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}

    data_dir = Path(env.get(f"{_PREFIX}DATA_DIR", str(Settings.data_dir))).expanduser()
    path = config_file
    if path is None and env.get(f"{_PREFIX}CONFIG"):
        path = Path(env[f"{_PREFIX}CONFIG"]).expanduser()
        if not path.exists():
            raise ConfigurationError("config file not found", source=str(path))
    if path is None and (data_dir / "reunite.toml").exists():
        path = data_dir / "reunite.toml"
    if path is not None:
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(f"cannot read config file: {exc}", source=str(path)) from exc
        for key, raw in document.items():
            if key not in known:
                raise ConfigurationError("unknown setting", source=str(path), field=key)
            values[key] = _coerce(key, raw, known[key].type, str(path))

    for name in known:
        env_name = f"{_PREFIX}{name.upper()}"
        if env_name in env:
            values[name] = _coerce(name, env[env_name], known[name].type, env_name)

    settings = replace(Settings(), **values)
    if not 0.0 <= settings.theta < 1.0:
        raise ConfigurationError("theta must be in [0, 1)", field="theta", value=settings.theta)
    if settings.min_allele_count <= 0:
        raise ConfigurationError(
            "min_allele_count must be positive", field="min_allele_count",
            value=settings.min_allele_count,
        )
    if settings.mutation_model not in MUTATION_MODELS:
        raise ConfigurationError(
            f"mutation_model must be one of {', '.join(MUTATION_MODELS)}",
            field="mutation_model", value=settings.mutation_model)
    for name in ("mutation_rate", "mutation_rate_male"):
        rate = getattr(settings, name)
        if rate is not None and not 0.0 <= rate < 1.0:
            raise ConfigurationError(f"{name} must be in [0, 1)", field=name, value=rate)
    if not 1 <= settings.search_k <= 1000:
        raise ConfigurationError("search_k must be 1-1000", field="search_k",
                                 value=settings.search_k)
    if not settings.database_size > 0:
        raise ConfigurationError("database_size must be a positive number of profiles",
                                 field="database_size", value=settings.database_size)
    if not settings.lr_threshold > 0:
        raise ConfigurationError("lr_threshold must be a positive LR", field="lr_threshold",
                                 value=settings.lr_threshold)
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()

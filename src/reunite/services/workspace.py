"""The installation: one :class:`Workspace` per data directory.

A workspace is what the API, the web pages, the CLI and the demo share: the settings, the
store (SQLite in the data directory, or ``REUNITE_DATABASE_URL``), the master key, the
frequency table the kinship statistics use (``<data dir>/frequencies.csv``, written by
``reunite init`` and read with the configured ``REUNITE_MIN_ALLELE_COUNT``), the search
settings every search starts from, the store-backed search index and the job runner.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from reunite.config import Settings
from reunite.errors import ConfigurationError
from reunite.genetics.frequencies import FrequencyTable
from reunite.io.frequencies import read_frequencies, read_frequency_csv
from reunite.search.settings import SearchSettings
from reunite.services.jobs import JobRunner
from reunite.services.search_index import StoreIndex
from reunite.services.settings import search_settings
from reunite.storage import migrate
from reunite.storage.crypto import MasterKey, load_master_key, write_key_file
from reunite.storage.db import create_engine_for, database_url
from reunite.storage.repositories import SqlStore

__all__ = [
    "FREQUENCY_FILE",
    "Workspace",
    "install_frequencies",
    "open_workspace",
    "prepare_data_dir",
]

FREQUENCY_FILE = "frequencies.csv"
_FREQUENCY_NAME = "frequencies.name"


@dataclass
class Workspace:
    """Everything one installation's services share (see the module docstring)."""

    settings: Settings
    store: SqlStore
    master: MasterKey
    frequencies: FrequencyTable
    index: StoreIndex
    search_settings: SearchSettings
    jobs: JobRunner = field(default_factory=JobRunner)

    def close(self) -> None:
        """Stop the job runner and release database connections."""
        self.jobs.shutdown()
        self.store.engine.dispose()


def install_frequencies(data_dir: Path, table: FrequencyTable) -> Path:
    """Write ``table`` as the installation's frequency table (long CSV with N)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / FREQUENCY_FILE
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["marker", "allele", "frequency", "N"])
        for marker in table.markers:
            size = table.sample_size(marker)
            for allele in table.alleles(marker):
                writer.writerow([marker, allele.text, repr(table.frequency(marker, allele)),
                                 "" if size is None else repr(size)])
    (data_dir / _FREQUENCY_NAME).write_text(table.name + "\n", encoding="utf-8")
    return path


def _load_frequencies(settings: Settings) -> FrequencyTable:
    path = settings.data_dir / FREQUENCY_FILE
    if not path.is_file():
        raise ConfigurationError("no frequency table in the data directory: run `reunite "
                                 "init --frequencies TABLE`", source=str(path))
    name_file = settings.data_dir / _FREQUENCY_NAME
    name = name_file.read_text(encoding="utf-8").strip() if name_file.is_file() else None
    return read_frequency_csv(path, name=name, min_allele_count=settings.min_allele_count)


def prepare_data_dir(settings: Settings, *, frequencies: Path | FrequencyTable | None = None,
                     population: str | None = None) -> tuple[SqlStore, MasterKey, bool]:
    """Create the data directory, the master key (if none) and the schema; install a table.

    Returns (store, master key, whether a new key was written). Safe to run again.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    created = False
    if settings.master_key is None and not settings.effective_master_key_file.exists():
        write_key_file(settings.effective_master_key_file, MasterKey.generate())
        created = True
    master = load_master_key(settings)
    engine = create_engine_for(database_url(settings))
    migrate.upgrade(engine)
    if isinstance(frequencies, FrequencyTable):
        install_frequencies(settings.data_dir, frequencies)
    elif frequencies is not None:
        install_frequencies(settings.data_dir, read_frequencies(
            frequencies, population=population, min_allele_count=settings.min_allele_count))
    return SqlStore(engine), master, created


def open_workspace(settings: Settings, *, workers: int = 1,
                   backend: str | None = None) -> Workspace:
    """Open an initialised data directory (see ``reunite init``)."""
    master = load_master_key(settings)
    frequencies = _load_frequencies(settings)
    store = SqlStore(create_engine_for(database_url(settings)))
    if migrate.current_revision(store.engine) != migrate.head_revision():
        raise ConfigurationError("the database schema is not up to date: run `reunite init` "
                                 "or `reunite db upgrade`", field="database_url")
    index = StoreIndex(store, master, frequencies, backend=backend,
                       scheduler=settings.scheduler)
    return Workspace(settings, store, master, frequencies, index, search_settings(settings),
                     JobRunner(workers=workers))

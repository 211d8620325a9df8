"""``reunite init``: a data directory, its master key, the database schema, the first admin."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from reunite.cli._session import DataDirOption, JsonOption, emit, settings_for

__all__ = ["init", "register"]


def init(
    data_dir: DataDirOption = None,
    frequencies: Annotated[Path | None, typer.Option(
        "--frequencies", "-f", help="Allele frequency table for the kinship statistics "
        "(long CSV, NIST 1036, FBI 2015 or wide CSV).")] = None,
    population: Annotated[str | None, typer.Option(
        help="Population within the table (NIST: All, AfAm, Cauc, Hisp, Asian).")] = None,
    admin: Annotated[str, typer.Option(help="Name of the first administrator.")] = "admin",
    as_json: JsonOption = False,
) -> None:
    """Create (or upgrade) an installation: data directory, master key, schema, first admin.

    Example:

        reunite init --data-dir ./reunite-data -f nist1036_allele_frequencies.csv

    The master key is written to <data dir>/master.key (mode 0600) unless
    REUNITE_MASTER_KEY is set; back it up apart from the database. The admin's password
    comes from $REUNITE_ADMIN_PASSWORD or a hidden prompt. Running init again upgrades
    the schema and keeps existing keys and users.
    """
    from reunite.services import auth  # lazy: keeps `reunite --help` fast
    from reunite.services.workspace import prepare_data_dir  # lazy: keeps `reunite --help` fast
    settings = settings_for(data_dir)
    store, _, created = prepare_data_dir(settings, frequencies=frequencies,
                                         population=population)
    made_admin = False
    try:
        if not auth.has_users(store):
            password = os.environ.get("REUNITE_ADMIN_PASSWORD") or typer.prompt(
                f"password for {admin}", hide_input=True, confirmation_prompt=True)
            auth.create_first_admin(store, username=admin, password=password)
            made_admin = True
    finally:
        store.engine.dispose()
    has_table = (settings.data_dir / "frequencies.csv").is_file()
    report = {"data_dir": str(settings.data_dir.resolve()), "master_key_created": created,
              "admin_created": admin if made_admin else None,
              "frequency_table": has_table}
    text = (f"initialised [bold]{report['data_dir']}[/]"
            + ("; new master key written (back it up!)" if created else "")
            + (f"; first admin [bold]{admin}[/]" if made_admin else "")
            + ("" if has_table else "\n[yellow]no frequency table yet: run init again with "
               "--frequencies TABLE[/]"))
    emit(report, as_json=as_json, text=text)


def register(app: typer.Typer) -> None:
    """Add ``reunite init`` to ``app``."""
    app.command(name="init")(init)

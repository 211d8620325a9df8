"""``reunite serve``: the REST API (and web UI) with uvicorn over a data directory."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Annotated

import typer
import uvicorn

from reunite.cli._session import DataDirOption, settings_for

__all__ = ["register", "serve"]


def serve(
    data_dir: DataDirOption = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on (default "
                                                  "127.0.0.1: loopback only).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler address for searches (default: in process; "
             "$REUNITE_SCHEDULER).")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    login_limit: Annotated[int, typer.Option(
        help="Failed logins allowed per user and per client per minute.")] = 5,
) -> None:
    """Serve the REST API (OpenAPI at /docs) and the web UI on an initialised data directory.

    Example:

        reunite serve --data-dir ./reunite-data --port 8000

    SQLite in the data directory by default; PostgreSQL when REUNITE_DATABASE_URL is set,
    e.g. postgresql://reunite@db/reunite. Request bodies are never logged.
    """
    from reunite.api.app import create_app  # lazy: keeps `reunite --help` fast
    settings = settings_for(data_dir)
    settings = replace(settings, host=host or settings.host, port=port or settings.port,
                       scheduler=scheduler or settings.scheduler)
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    app = create_app(settings, login_limit=login_limit)
    typer.echo(f"reunite serving {settings.data_dir} on http://{settings.host}:{settings.port}"
               f" (docs at /docs)", err=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=log_level,
                server_header=False)


def register(app: typer.Typer) -> None:
    """Add ``reunite serve`` to ``app``."""
    app.command(name="serve")(serve)

"""The ``reunite`` command line (Typer + Rich): a thin shell over the library and services.

Each command lives in its own module under ``reunite.cli`` and exposes ``register(app)``;
:data:`COMMAND_MODULES` lists them. Errors are mapped to exit codes in one place:
:func:`main` catches :class:`reunite.errors.ReuniteError` and exits with
:func:`reunite.errors.exit_code_for`, printing the message (never a traceback).
"""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console
from rich.markup import escape

from reunite._version import __version__
from reunite.errors import ReuniteError, exit_code_for

__all__ = ["COMMAND_MODULES", "app", "main"]

COMMAND_MODULES: tuple[str, ...] = (
    "reunite.cli.rmp_command",
    "reunite.cli.init_command", "reunite.cli.user_command", "reunite.cli.serve_command",
    "reunite.cli.case_command", "reunite.cli.enrol_command", "reunite.cli.search_db_command",
    "reunite.cli.candidates_command", "reunite.cli.review_command", "reunite.cli.withdraw_command",
    "reunite.cli.db_command", "reunite.cli.keys_command", "reunite.cli.audit_command",
    "reunite.cli.demo_command",
    "reunite.cli.lr_command", "reunite.cli.calibrate_command",
    "reunite.cli.import_command",
    "reunite.cli.export_command",
    "reunite.cli.search_command", "reunite.cli.simulate_command", "reunite.cli.lineage_command",
    "reunite.cli.dvi_command",
)

app = typer.Typer(
    name="reunite",
    help="Identify missing and unidentified people by DNA kinship, with consent.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_stderr = Console(stderr=True, highlight=False)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"reunite {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
) -> None:
    """reunite: DNA kinship identification of missing and unidentified people."""


def _register_commands() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(app)


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app and map reunite errors to exit codes."""
    try:
        # In non-standalone mode click returns the code of a typer.Exit instead of raising.
        returned = app(args=argv, standalone_mode=False)
    except ReuniteError as exc:
        _stderr.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, soft_wrap=True)
        sys.exit(exit_code_for(exc))
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _stderr.print("aborted")
        sys.exit(130)
    except typer.TyperException as exc:
        # Usage errors (unknown command, bad option) from typer's bundled click.
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            _stderr.print(str(exc))
        sys.exit(int(getattr(exc, "exit_code", 2)))
    sys.exit(returned if isinstance(returned, int) else 0)

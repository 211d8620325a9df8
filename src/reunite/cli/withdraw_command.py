"""``reunite withdraw``: consent withdrawn → its profiles are crypto-shredded and audited."""

from __future__ import annotations

from typing import Annotated

import typer

from reunite.cli._session import DataDirOption, JsonOption, UserOption, emit, login, workspace_for

__all__ = ["register", "withdraw"]


def withdraw(
    basis: Annotated[str, typer.Argument(help="Basis id (the consent or legal order).")],
    reason: Annotated[str, typer.Option(help="Why (recorded in the audit log).")],
    data_dir: DataDirOption = None, user: UserOption = None, as_json: JsonOption = False,
) -> None:
    """Withdraw a consent (or revoke a legal order) and expunge every profile held on it.

    Example:

        REUNITE_USER=dpo reunite withdraw BASIS_ID --reason "donor withdrew, letter of 3 May"
    """
    from reunite.services import withdrawal  # lazy: keeps `reunite --help` fast
    ws = workspace_for(data_dir)
    try:
        removed = withdrawal.withdraw(ws, login(ws, user), basis_id=basis, reason=reason)
    finally:
        ws.close()
    emit({"basis_id": basis, "expunged_profiles": removed}, as_json=as_json,
         text=f"withdrawn; {len(removed)} profile(s) expunged (ciphertext and key deleted)")


def register(app: typer.Typer) -> None:
    """Add ``reunite withdraw`` to ``app``."""
    app.command(name="withdraw")(withdraw)

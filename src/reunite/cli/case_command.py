"""``reunite case ...``: open a case, record its people and pedigree, record bases.

Also records people outside cases (unidentified living persons, remains, staff) and the
consent or legal order each person's profile will be held on.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from reunite.cli._session import DataDirOption, JsonOption, UserOption, emit, login, workspace_for

__all__ = ["case_app", "register"]

case_app = typer.Typer(help="Cases, people, pedigrees, consents and legal orders.",
                       no_args_is_help=True)


@case_app.command("open")
def open_case(
    reference: Annotated[str, typer.Argument(help="The case reference, e.g. MP-2026-001.")],
    missing_since: Annotated[str | None, typer.Option(help="Date (YYYY-MM-DD).")] = None,
    description: Annotated[str, typer.Option(help="Free text.")] = "",
    data_dir: DataDirOption = None, user: UserOption = None, as_json: JsonOption = False,
) -> None:
    """Open a missing-person case (case worker).

    Example:

        REUNITE_USER=alice reunite case open MP-2026-001 --missing-since 2025-06-01
    """
    from reunite.services import cases  # lazy: keeps `reunite --help` fast
    ws = workspace_for(data_dir)
    try:
        record = cases.open_case(ws.store, login(ws, user), reference=reference,
                                 missing_since=date.fromisoformat(missing_since)
                                 if missing_since else None, description=description)
    finally:
        ws.close()
    emit({"id": record.id, "reference": record.reference}, as_json=as_json,
         text=f"opened case [bold]{record.reference}[/] ({record.id})")


@case_app.command("add-person")
def add_person(
    case: Annotated[str, typer.Argument(help="Case id or reference.")],
    label: Annotated[str, typer.Argument(help="Label in the case, e.g. mother.")],
    role: Annotated[str, typer.Option(help="missing or relative.")] = "relative",
    father: Annotated[str | None, typer.Option(help="Father's person id (in the case).")] = None,
    mother: Annotated[str | None, typer.Option(help="Mother's person id (in the case).")] = None,
    relationship: Annotated[str, typer.Option(help="Free text, e.g. 'maternal uncle'.")] = "",
    data_dir: DataDirOption = None, user: UserOption = None, as_json: JsonOption = False,
) -> None:
    """Add the missing person or a relative (typed or not) to the case pedigree.

    Example:

        reunite case add-person MP-2026-001 missing --role missing --father F_ID --mother M_ID
    """
    from reunite.services import cases  # lazy: keeps `reunite --help` fast
    ws = workspace_for(data_dir)
    try:
        person = cases.add_case_person(ws.store, login(ws, user), case=case, label=label,
                                       role=role, father_id=father, mother_id=mother,
                                       relationship=relationship)
    finally:
        ws.close()
    emit({"id": person.id, "label": person.label, "role": person.role}, as_json=as_json,
         text=f"added {person.role} [bold]{person.label}[/] ({person.id})")


@case_app.command("unidentified")
def unidentified(
    label: Annotated[str, typer.Argument(help="Label, e.g. the mortuary number.")],
    role: Annotated[str, typer.Option(
        help="unidentified-living, unidentified-remains or elimination.")
    ] = "unidentified-remains",
    data_dir: DataDirOption = None, user: UserOption = None, as_json: JsonOption = False,
) -> None:
    """Record an unidentified living person, remains, or a staff member (no case).

    Example:

        reunite case unidentified MORT-2026-14 --role unidentified-remains
    """
    from reunite.services import cases  # lazy: keeps `reunite --help` fast
    ws = workspace_for(data_dir)
    try:
        person = cases.add_unidentified_person(ws.store, login(ws, user), label=label,
                                               role=role)
    finally:
        ws.close()
    emit({"id": person.id, "label": person.label, "role": person.role}, as_json=as_json,
         text=f"recorded {person.role} [bold]{person.label}[/] ({person.id})")


@case_app.command("consent")
def consent(
    person: Annotated[str, typer.Argument(help="Person id.")],
    signed_by: Annotated[str, typer.Option(help="Who signed (name or form number).")],
    signed_on: Annotated[str, typer.Option(help="Date signed (YYYY-MM-DD).")],
    retention_until: Annotated[str, typer.Option(help="Keep until (YYYY-MM-DD).")],
    review_on: Annotated[str, typer.Option(help="Review date (YYYY-MM-DD).")],
    data_dir: DataDirOption = None, user: UserOption = None, as_json: JsonOption = False,
) -> None:
    """Record a signed consent for a person (for the index the person's role fixes).

    Example:

        reunite case consent P_ID --signed-by "form 17" --signed-on 2026-01-05 \\
            --retention-until 2036-01-05 --review-on 2027-01-05
    """
    from reunite.services import bases  # lazy: keeps `reunite --help` fast
    ws = workspace_for(data_dir)
    try:
        basis_id = bases.record_consent(
            ws.store, login(ws, user), person_id=person, signed_by=signed_by,
            signed_on=date.fromisoformat(signed_on),
            retention_until=date.fromisoformat(retention_until),
            review_on=date.fromisoformat(review_on))
    finally:
        ws.close()
    emit({"basis_id": basis_id}, as_json=as_json, text=f"consent recorded ({basis_id})")


@case_app.command("legal-order")
def legal_order(
    person: Annotated[str, typer.Argument(help="Person id (unidentified remains).")],
    authority: Annotated[str, typer.Option(help="Issuing authority.")],
    reference: Annotated[str, typer.Option(help="Order reference.")],
    issued_on: Annotated[str, typer.Option(help="Date issued (YYYY-MM-DD).")],
    data_dir: DataDirOption = None, user: UserOption = None, as_json: JsonOption = False,
) -> None:
    """Record the legal order unidentified remains are typed and held on.

    Example:

        reunite case legal-order P_ID --authority Coroner --reference CO-7 --issued-on 2026-02-01
    """
    from reunite.services import bases  # lazy: keeps `reunite --help` fast
    ws = workspace_for(data_dir)
    try:
        basis_id = bases.record_legal_order(
            ws.store, login(ws, user), person_id=person, authority=authority,
            reference=reference, issued_on=date.fromisoformat(issued_on))
    finally:
        ws.close()
    emit({"basis_id": basis_id}, as_json=as_json, text=f"legal order recorded ({basis_id})")


@case_app.command("show")
def show(
    case: Annotated[str, typer.Argument(help="Case id or reference.")],
    data_dir: DataDirOption = None, user: UserOption = None, as_json: JsonOption = False,
) -> None:
    """Show a case and its pedigree.

    Example:

        reunite case show MP-2026-001 --json
    """
    from reunite.services import cases  # lazy: keeps `reunite --help` fast
    ws = workspace_for(data_dir)
    try:
        view, pedigree = cases.case_pedigree(ws.store, login(ws, user), case)
    finally:
        ws.close()
    sexes = {p.id: p.sex for p in pedigree.persons}
    people = [{"id": p.id, "label": p.label, "role": p.role, "father_id": p.father_id,
               "mother_id": p.mother_id, "sex_in_pedigree": sexes[p.id],
               "relationship": p.relationship} for p in view.people]
    table = Table(title=f"case {view.case.reference} ({view.case.status})")
    for column in ("label", "role", "id", "father", "mother"):
        table.add_column(column)
    labels = {p.id: p.label for p in view.people}
    for p in view.people:
        table.add_row(p.label, p.role, p.id, labels.get(p.father_id or "", ""),
                      labels.get(p.mother_id or "", ""))
    emit({"id": view.case.id, "reference": view.case.reference, "status": view.case.status,
          "people": people}, as_json=as_json, text=table)  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    """Add ``reunite case ...`` to ``app``."""
    app.add_typer(case_app, name="case")

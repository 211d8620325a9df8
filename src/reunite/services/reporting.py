"""What the case and review pages show, and the identification report of a candidate.

* :func:`case_file`: a case, its pedigree, who is typed (has a stored profile) and each
  person's recorded bases (``read-case``; no genotype is read).
* :func:`identification_report`: for a stored match candidate, the exact missing-person
  LR recomputed per marker (H1: the candidate in the missing person's place in the case
  pedigree; H2: the candidate unrelated, the place left untyped; forrel
  ``missingPersonLR``) with the search settings the candidate was found with (recorded in
  its provenance: θ, female and male mutation models, minimum allele count) and the
  markers and frequencies the search scored, so the report's total equals the candidate's
  stored LR. The
  genotypes are decrypted through :func:`reunite.services.enrolment.read_profile`, so
  every read is permission-checked (``read-profile``) and audited with its reason.
  Reviewers' decisions become the report's reviews.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reunite.errors import CaseError
from reunite.genetics.hypotheses import Hypothesis
from reunite.genetics.pedigree import Pedigree, singletons
from reunite.governance.indices import Index, PersonRole
from reunite.governance.roles import Actor
from reunite.report.identification import IdentificationReport, Review, build_identification_report
from reunite.search.screen import FamilyCase, screening_markers
from reunite.search.settings import SearchSettings
from reunite.services.cases import CaseView, case_pedigree
from reunite.services.enrolment import read_profile
from reunite.services.review import get_candidate
from reunite.services.search_index import StoreIndex
from reunite.services.searches import complete_genotypes
from reunite.stats.likelihood import Genotype, KinshipMarker
from reunite.stats.lr import kinship_lr
from reunite.stats.mutation import MutationSpec
from reunite.storage.crypto import MasterKey
from reunite.storage.records import BasisRecord, ProfileRef
from reunite.storage.repositories import SqlStore

__all__ = ["CaseFile", "candidate_settings", "case_file", "identification_report"]

_SLOT = "__missing_person_slot__"


@dataclass(frozen=True)
class CaseFile:
    """A case with its pedigree, typed persons (profile ids) and bases per person."""

    view: CaseView
    pedigree: Pedigree
    profiles: dict[str, tuple[ProfileRef, ...]]
    bases: dict[str, tuple[BasisRecord, ...]]

    @property
    def typed(self) -> frozenset[str]:
        """Ids of the persons with at least one stored profile."""
        return frozenset(pid for pid, refs in self.profiles.items() if refs)

    @property
    def labels(self) -> dict[str, str]:
        """Person id -> label."""
        return {p.id: p.label for p in self.view.people}

    @property
    def missing_id(self) -> str | None:
        """The missing person's id (None until recorded)."""
        missing = self.view.missing
        return missing[0].id if missing else None


def case_file(store: SqlStore, actor: Actor, case: str) -> CaseFile:
    """The case page's data (``read-case``)."""
    view, pedigree = case_pedigree(store, actor, case)
    ids = [p.id for p in view.people]
    with store.transaction() as repos:
        refs = repos.profiles.refs(person_ids=ids)
        bases = repos.bases.for_persons(ids)
    profiles: dict[str, list[ProfileRef]] = {pid: [] for pid in ids}
    for ref in refs:
        profiles[ref.person_id].append(ref)
    return CaseFile(view, pedigree, {k: tuple(v) for k, v in profiles.items()},
                    {pid: tuple(bases.get(pid, ())) for pid in ids})


def _mutation_words(settings: SearchSettings) -> str:
    """The mutation models in a line of the report (one per sex when they differ)."""
    def words(spec: MutationSpec | None) -> str:
        if spec is None:
            return "none"
        values = [f"{k} {v:g}" if isinstance(v, int | float) else f"{k} {v}"
                  for k, v in spec.to_dict().items() if k != "model" and v not in (0.0, 1.0)]
        return ", ".join([spec.model, *values])

    female, male = words(settings.mutation_female), words(settings.mutation_male)
    return female if female == male else f"female: {female}; male: {male}"


def candidate_settings(details: Mapping[str, Any]) -> SearchSettings:
    """The search settings a stored candidate was found with (its provenance)."""
    recorded = details.get("settings")
    if not isinstance(recorded, Mapping):
        raise CaseError("the candidate records no search settings (found by an older "
                        "version): run the search again", field="settings")
    return SearchSettings.from_provenance(recorded)


def identification_report(store: SqlStore, master: MasterKey, index: StoreIndex,
                          actor: Actor, candidate_id: str) -> IdentificationReport:
    """The identification report of a stored candidate (see the module docstring)."""
    candidate = get_candidate(store, actor, candidate_id)
    record = candidate.candidate
    if record.case_id is None:
        raise CaseError("the candidate belongs to no case", field="candidate",
                        value=candidate_id)
    settings = candidate_settings(record.details)
    frequencies = settings.frequency_table(index.frequencies)
    folder = case_file(store, actor, record.case_id)
    missing_id = folder.missing_id
    if missing_id is None:
        raise CaseError("the case has no missing person", case=folder.view.case.reference,
                        field="missing")
    reason = f"identification report for candidate {candidate_id}"
    people = {p.id: p for p in folder.view.people}
    relatives: dict[str, dict[str, tuple[str, str]]] = {}
    for pid, refs in folder.profiles.items():
        family_refs = [r for r in refs if r.index == Index.REFERENCE_FAMILY.value]
        if family_refs and people[pid].role == PersonRole.RELATIVE.value:
            first = sorted(family_refs, key=lambda r: r.id)[0]
            relatives[pid] = complete_genotypes(read_profile(store, master, actor, first.id,
                                                 reason=reason))
    target = read_profile(store, master, actor, record.target_profile_id, reason=reason)
    candidate_texts = complete_genotypes(target)
    with store.transaction() as repos:
        target_ref = repos.profiles.get_many([record.target_profile_id])[0]
        candidate_label = repos.cases.get_person(target_ref.person_id).label
    complete = relatives
    family = FamilyCase(folder.view.case.id, folder.pedigree, missing_id,
                        {pid: {m: (str(a), str(b)) for m, (a, b) in g.items()}
                         for pid, g in complete.items()})
    matrix = index.matrix(Index(target_ref.index))
    markers: list[KinshipMarker] = [
        m for m in screening_markers(matrix, frequencies, [family], settings=settings)
        if m is not None and (m.name in candidate_texts)]
    genotypes: dict[str, dict[str, Genotype | None]] = {
        pid: {m.name: g.get(m.name) for m in markers} for pid, g in complete.items()}
    genotypes[missing_id] = {m.name: candidate_texts.get(m.name) for m in markers}
    h1 = Hypothesis("candidate is the missing person", folder.pedigree)
    h2 = Hypothesis("candidate unrelated",
                    folder.pedigree.relabel({missing_id: _SLOT}) | singletons(missing_id))
    result = kinship_lr([h1, h2], markers, genotypes, theta=settings.theta,
                        case_id=folder.view.case.reference)
    reviews = tuple(
        Review(d.reviewer, "confirmed" if d.decision == "confirm" else "rejected",
               d.decided_at.astimezone(UTC).date(), d.reason)
        for d in candidate.decisions)
    return build_identification_report(
        case_reference=folder.view.case.reference, pedigree=folder.pedigree,
        missing_id=missing_id, candidate=candidate_label,
        relative_genotypes={pid: genotypes[pid] for pid in complete},
        candidate_genotypes=genotypes[missing_id], result=result,
        frequency_table=frequencies.name,
        frequency_table_hash=frequencies.content_hash,
        mutation_model=_mutation_words(settings), theta=settings.theta, reviews=reviews,
        labels=folder.labels, markers=markers,
        generated_at=datetime.now(UTC).replace(microsecond=0))

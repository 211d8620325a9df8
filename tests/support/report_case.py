"""A small missing-person case shared by the report (and web) tests, values by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from reunite.genetics.hypotheses import Hypothesis
from reunite.genetics.pedigree import Pedigree, Person
from reunite.report.identification import IdentificationReport, Review, build_identification_report
from reunite.stats.likelihood import KinshipMarker
from reunite.stats.lr import kinship_lr
from reunite.stats.mutation import MutationModel, MutationSpec, mutation_matrix

ALLELES = ("10", "11", "12", "13")
FREQS = np.array([0.1, 0.2, 0.3, 0.4])


def family() -> Pedigree:
    """Father FA and mother MO (typed), their missing son MP."""
    return Pedigree((Person("FA", None, None, "male"), Person("MO", None, None, "female"),
                     Person("MP", "FA", "MO", "male")))


def unrelated() -> Pedigree:
    return Pedigree((Person("FA", None, None, "male"), Person("MO", None, None, "female"),
                     Person("MP", None, None, "male")))


def markers(*, mutation: bool = False) -> list[KinshipMarker]:
    model = None
    if mutation:
        spec = MutationSpec("equal", rate=0.002)
        mat = mutation_matrix(spec, ALLELES, FREQS)
        model = MutationModel(female=mat, male=mat, description={"model": "equal"})
    return [KinshipMarker(name, ALLELES, FREQS, model) for name in ("D3S1358", "VWA", "FGA")]


RELATIVES = {
    "FA": {"D3S1358": ("10", "11"), "VWA": ("12", "12"), "FGA": ("10", "10")},
    "MO": {"D3S1358": ("12", "13"), "VWA": ("13", "13"), "FGA": ("11", "11")},
}
# D3S1358 10/12: LR = (1/4) / (2·0.1·0.3) = 0.25/0.06; VWA 12/13: LR = 1/(2·0.3·0.4);
# FGA 10/12: impossible without mutation (mother gives 11 only).
CANDIDATE = {"D3S1358": ("10", "12"), "VWA": ("12", "13"), "FGA": ("10", "12")}


def make_report(*, mutation: bool = True, reviews: tuple[Review, ...] = ()
                ) -> IdentificationReport:
    ms = markers(mutation=mutation)
    genotypes = {**RELATIVES, "MP": CANDIDATE}
    result = kinship_lr([Hypothesis("H1", family()), Hypothesis("H2", unrelated())], ms,
                        genotypes)
    return build_identification_report(
        case_reference="MP-2026-001", pedigree=family(), missing_id="MP",
        candidate="UHR-17", relative_genotypes=RELATIVES, candidate_genotypes=CANDIDATE,
        result=result, frequency_table="Test table", frequency_table_hash="ab" * 32,
        mutation_model="equal, rate 0.002", theta=0.01, reviews=reviews,
        labels={"FA": "Father", "MO": "Mother", "MP": "Li Wei"}, markers=ms,
        generated_at=datetime(2026, 11, 25, 4, 0, tzinfo=UTC))


TWO_CONFIRMATIONS = (Review("alice", "confirmed", date(2026, 11, 24), "consistent"),
                     Review("bob", "confirmed", date(2026, 11, 25), "agree"))

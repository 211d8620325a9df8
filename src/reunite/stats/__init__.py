"""reunite.stats: the statistical core — arrays and values in, numbers out.

* :func:`kinship_lr` (``lr``): the LR of one pedigree hypothesis against others, exact, per
  marker and in total (:class:`LRResult`); :func:`pedigree_likelihood` underneath it
  (``likelihood``, variable elimination over :class:`KinshipMarker` markers).
* :func:`missing_person_lr` and :func:`missing_person_genotype_table` (``missing_person``):
  "the person is the missing person in this family" against "unrelated", and the
  per-genotype tables P(g | family) that searches look candidates up in.
* :func:`pairwise_lr` and :func:`pairwise_genotype_lrs` (``ibd``): pairwise closed forms
  by IBD coefficients (:data:`KAPPA`).
* :func:`random_match_probability` (``rmp``): NRC II 4.1 and, with θ, 4.10.
* :func:`mutation_matrix` (``mutation``): the Familias/pedmut mutation models
  (:class:`MutationSpec` → :class:`MutationModel`).
* :func:`genotype_index` (``genotypes``): where a genotype sits in per-genotype vectors.
* X-STRs: ``KinshipMarker(chromosome="X")`` is inherited X-linked in every LR and table
  (males hemizygous; sexes from the pedigrees; markers independent, no linkage).
* Degraded samples (``dropout``): drop-out, drop-in and silent alleles in every LR
  (``kinship_lr(..., dropout=...)``), :func:`observation_probability`,
  :func:`estimate_dropout` (:class:`DropoutEstimate`), and the search tables
  :func:`missing_person_observation_table` (:class:`ObservationTable`,
  :func:`observation_table_lr`, :func:`observed_set_index`).
* Calibration (``calibration``, ``missing_person_calibration``, ``sample_next``): how often
  a family's LR lies — :func:`exclusion_power`, :func:`tail_probabilities` (P(LR ≥ t) under
  both hypotheses, exact or bracketed), a candidate's :func:`p_value`,
  :func:`database_threshold`, :func:`tail_function`, :func:`lr_distribution`, all in one
  :func:`calibrate` (:class:`FamilyCalibration`) over :class:`MarkerOutcomes`
  (:func:`outcomes_from_table`, :func:`outcomes_from_observation_table`);
  :func:`calibrate_missing_person` for a kinship case; :func:`sample_next` ranks the
  relatives worth typing next.

No file, database or network I/O (an import-linter contract); readers are in
:mod:`reunite.io`.
"""

from reunite.stats.calibration import (
    FamilyCalibration,
    MarkerOutcomes,
    calibrate,
    database_threshold,
    exclusion_power,
    lr_distribution,
    outcomes_from_observation_table,
    outcomes_from_table,
    p_value,
    tail_function,
    tail_probabilities,
)
from reunite.stats.dropout import DropoutEstimate, estimate_dropout, observation_probability
from reunite.stats.genotypes import genotype_index, genotype_pairs, hardy_weinberg, n_genotypes
from reunite.stats.ibd import KAPPA, pairwise_genotype_lrs, pairwise_likelihood, pairwise_lr
from reunite.stats.likelihood import KinshipMarker, pedigree_likelihood, pedigree_log_likelihood
from reunite.stats.lr import Inconsistency, LRResult, kinship_lr
from reunite.stats.missing_person import (
    GenotypeTable,
    ObservationTable,
    missing_person_genotype_table,
    missing_person_hypotheses,
    missing_person_lr,
    missing_person_observation_table,
    observation_table_lr,
    observed_set_index,
    table_lr,
)
from reunite.stats.missing_person_calibration import calibrate_missing_person
from reunite.stats.mutation import (
    MODEL_NAMES,
    TRANSFORMS,
    MutationModel,
    MutationSpec,
    extend_matrix,
    mutation_matrix,
    overall_rate,
)
from reunite.stats.rmp import MarkerProbability, MatchProbability, random_match_probability
from reunite.stats.sample_next import sample_next

__all__ = [
    "KAPPA",
    "MODEL_NAMES",
    "TRANSFORMS",
    "DropoutEstimate",
    "FamilyCalibration",
    "GenotypeTable",
    "Inconsistency",
    "KinshipMarker",
    "LRResult",
    "MarkerOutcomes",
    "MarkerProbability",
    "MatchProbability",
    "MutationModel",
    "MutationSpec",
    "ObservationTable",
    "calibrate",
    "calibrate_missing_person",
    "database_threshold",
    "estimate_dropout",
    "exclusion_power",
    "extend_matrix",
    "genotype_index",
    "genotype_pairs",
    "hardy_weinberg",
    "kinship_lr",
    "lr_distribution",
    "missing_person_genotype_table",
    "missing_person_hypotheses",
    "missing_person_lr",
    "missing_person_observation_table",
    "mutation_matrix",
    "n_genotypes",
    "observation_probability",
    "observation_table_lr",
    "observed_set_index",
    "outcomes_from_observation_table",
    "outcomes_from_table",
    "overall_rate",
    "p_value",
    "pairwise_genotype_lrs",
    "pairwise_likelihood",
    "pairwise_lr",
    "pedigree_likelihood",
    "pedigree_log_likelihood",
    "random_match_probability",
    "sample_next",
    "table_lr",
    "tail_function",
    "tail_probabilities",
]

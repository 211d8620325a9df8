"""Disaster-victim identification: many victims against many families, jointly and exactly.

Definitions (Vigeland & Egeland 2021, *Joint DNA-based disaster victim identification*,
Sci. Rep. 11:13661; the R package dvir):

* A **DVI problem** has victims (unidentified profiles, with a sex) and families, each a
  reference pedigree with typed references and one or more untyped missing persons.
* An **assignment** maps every victim to a missing person or to nobody (``"*"``), each
  missing person used at most once, sex-consistent (equal sexes, or either unknown).
* Its **joint likelihood** is the probability of all data when each assigned victim takes
  its missing person's place in that family's pedigree and every other victim is an
  unrelated singleton. Families are independent, so the log-likelihood is
  ``loglik_null + Σ_f log L_f(S_f)``, where ``S_f`` are the victims placed in family
  ``f`` and ``L_f`` the family's likelihood ratio against the null (exact, with the
  family's mutation model: :mod:`reunite.stats._dvi_family`).
* ``LR`` against the all-unidentified (null) assignment; ``posterior`` under a flat prior
  over all sex-consistent assignments (``LR / Σ LR``).
* **Pairwise LR** ``LR[V, M]``: "V is M" against "V is unrelated", other victims ignored
  (dvir ``pairwiseLR``); 0 is an exclusion, NaN a sex-incompatible pair.
* **GLR** of ``V = M`` (Egeland & Vigeland 2025): the best joint likelihood with ``V = M``
  over the best with ``V ≠ M`` (dvir ``dviGLR``/``pairwiseGLR``).
* **Undisputed** (dvir ``findUndisputed``): ``LR[V, M] ≥ T`` and at least ``T`` times every
  other pairwise LR in V's row and M's column (``strict``: all those others ``≤ 1``);
  found ones are moved into their families (the victim becomes a typed reference) and the
  matrix recomputed, until no more are found.
* **Exclusions** (dvir ``exclusionMatrix``): the number of markers at which ``V = M`` is
  impossible without mutation.
* **Commingling**: the direct-match LR of two remains ("same person" against "unrelated";
  0 when they differ at a marker or in sex), and the groups it links above a threshold.

Joint identification is exact. :func:`solve_dvi` never lists every assignment unless
asked: a best-first search (:mod:`reunite.stats._dvi_search`) returns the top assignments
in exact order and brackets the total weight, hence every posterior, between proven
bounds; ``enumerate_all`` lists every assignment of a small problem.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from reunite.errors import CaseError, Problem
from reunite.genetics.pedigree import SEXES, Pedigree
from reunite.provenance import Provenance, make_provenance
from reunite.stats import _dvi_family, _dvi_search
from reunite.stats.likelihood import Genotype, KinshipMarker, batch_log_likelihoods

__all__ = [
    "MUTATION_CHOICES",
    "Commingling",
    "DVIProblem",
    "DVISolution",
    "Family",
    "Identification",
    "PairingSummary",
    "PairwiseMatrix",
    "RankedAssignment",
    "UndisputedResult",
    "Victim",
    "count_assignments",
    "direct_match_lr",
    "exclusion_matrix",
    "find_commingled",
    "find_undisputed",
    "merge_commingled",
    "pairwise_lr_matrix",
    "sex_compatible",
    "solve_dvi",
]

MutationChoice = Literal["all", "inconsistent", "none"]
MUTATION_CHOICES: tuple[str, ...] = ("all", "inconsistent", "none")
"""Where mutation is modelled: every family (default), only families whose references are
impossible without it (dvir ``disableMutations = NA``), or nowhere."""

NOBODY = "*"
_LN10 = math.log(10.0)
DEFAULT_MAX_FAMILY_TABLES = 200_000
"""Genotype tables one family may need before :func:`solve_dvi` refuses it (a family with
many missing persons and many candidate victims is exponential to solve exactly)."""


def sex_compatible(victim_sex: str, missing_sex: str) -> bool:
    """A victim may be a missing person of the same sex, or when either sex is unknown."""
    return victim_sex == missing_sex or "unknown" in (victim_sex, missing_sex)


@dataclass(frozen=True)
class Victim:
    """One unidentified victim (a post-mortem profile): ``id`` and ``sex``."""

    id: str
    sex: str = "unknown"


@dataclass(frozen=True)
class Family:
    """A reference family: its pedigree and its missing persons (untyped members)."""

    id: str
    pedigree: Pedigree
    missing: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class DVIProblem:
    """A validated DVI problem (see the module docstring).

    ``genotypes`` maps victims and typed references to ``{marker: (a, b)}``. Validation
    collects every problem and raises one :class:`CaseError` naming field and value:
    duplicate ids (victims and every family member share one namespace), a missing person
    absent from its pedigree, typed, or listed twice, genotypes of unknown persons or
    markers, alleles not in their marker, a bad sex, θ ≠ 0.
    """

    id: str
    victims: tuple[Victim, ...]
    families: tuple[Family, ...]
    markers: tuple[KinshipMarker, ...]
    genotypes: Mapping[str, Mapping[str, Genotype | None]]
    theta: float = 0.0
    source: str | None = None
    notes: tuple[str, ...] = ()
    missing_ids: tuple[str, ...] = field(init=False, repr=False)
    family_of: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "victims", tuple(self.victims))
        object.__setattr__(self, "families", tuple(self.families))
        object.__setattr__(self, "markers", tuple(self.markers))
        problems = _validate(self)
        if problems:
            raise CaseError(f"invalid DVI problem ({len(problems)} problem"
                            f"{'s' if len(problems) != 1 else ''})", problems=problems,
                            case=self.id, source=self.source)
        object.__setattr__(self, "missing_ids",
                           tuple(m for fam in self.families for m in fam.missing))
        object.__setattr__(self, "family_of",
                           {m: fam.id for fam in self.families for m in fam.missing})

    @property
    def victim_ids(self) -> tuple[str, ...]:
        """Victim ids in order."""
        return tuple(v.id for v in self.victims)

    def missing_sex(self, missing_id: str) -> str:
        """Sex of a missing person, from its family pedigree."""
        fam = next(f for f in self.families if f.id == self.family_of[missing_id])
        return fam.pedigree.person(missing_id).sex

    def replace(self, **changes: object) -> DVIProblem:
        """A new, revalidated problem with some fields changed."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.init}
        fields.update(changes)
        return DVIProblem(**fields)


def _validate(problem: DVIProblem) -> list[Problem]:
    problems: list[Problem] = []
    src = problem.source

    def bad(message: str, field_name: str, value: object, sample: str | None = None,
            marker: str | None = None) -> None:
        problems.append(Problem(message, source=src, field=field_name, value=value,
                                sample=sample, marker=marker))

    if problem.theta != 0.0:
        bad("θ > 0 is not supported in joint DVI (it would couple the founders of every "
            "family and victim); use θ = 0", "theta", problem.theta)
    if not problem.markers:
        bad("a DVI problem needs at least one marker", "markers", 0)
    names = [m.name for m in problem.markers]
    for name in {n for n in names if names.count(n) > 1}:
        bad("duplicate marker name", "markers", name, marker=name)
    for mk in problem.markers:
        if mk.silent_frequency > 0:
            bad("silent alleles are not supported in joint DVI", "markers",
                mk.silent_frequency, marker=mk.name)
    seen: dict[str, str] = {}

    def claim(pid: str, where: str) -> None:
        if pid in seen:
            bad(f"id used twice ({seen[pid]} and {where}); ids must be unique across "
                "victims and all families", where, pid, sample=pid)
        else:
            seen[pid] = where
    for i, victim in enumerate(problem.victims):
        claim(victim.id, f"victims[{i}].id")
        if victim.sex not in SEXES:
            bad(f"sex must be one of {', '.join(SEXES)}", f"victims[{i}].sex", victim.sex,
                sample=victim.id)
    family_ids: set[str] = set()
    for i, fam in enumerate(problem.families):
        if fam.id in family_ids:
            bad("duplicate family id", f"families[{i}].id", fam.id)
        family_ids.add(fam.id)
        for pid in fam.pedigree.ids:
            claim(pid, f"families[{i}].pedigree")
        if not fam.missing:
            bad("a family needs at least one missing person", f"families[{i}].missing",
                list(fam.missing))
        for m in fam.missing:
            if m not in fam.pedigree:
                bad("missing person is not in the family pedigree",
                    f"families[{i}].missing", m, sample=m)
            elif _is_typed(problem.genotypes.get(m)):
                bad("a missing person must be untyped (their DNA is what the victims "
                    "offer)", f"families[{i}].missing", m, sample=m)
        for m in {x for x in fam.missing if fam.missing.count(x) > 1}:
            bad("missing person listed twice", f"families[{i}].missing", m, sample=m)
    by_name = {m.name: m for m in problem.markers}
    for pid, per_marker in problem.genotypes.items():
        if pid not in seen:
            bad("genotypes of a person who is neither a victim nor a family member",
                "genotypes", pid, sample=pid)
            continue
        for mname, g in per_marker.items():
            marker = by_name.get(mname)
            if marker is None:
                bad("marker not listed in markers", f"genotypes.{pid}", mname, sample=pid,
                    marker=mname)
                continue
            try:
                marker.encode(g, person=pid)
            except CaseError as exc:
                bad(exc.message, f"genotypes.{pid}.{mname}", exc.context.get("value"),
                    sample=pid, marker=mname)
    return problems


def _is_typed(per_marker: Mapping[str, Genotype | None] | None) -> bool:
    if not per_marker:
        return False
    return any(g is not None and any(a is not None for a in g) for g in per_marker.values())


# --- compiled form: integers inside ---------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Compiled:
    problem: DVIProblem
    victims: _dvi_family.VictimData
    families: tuple[_dvi_family.FamilyData, ...]
    slot_family: tuple[int, ...]          # family index of each global slot
    slot_column: tuple[int, ...]          # column of the slot within its family
    allowed: NDArray[np.bool_]            # (n_victims, n_slots) sex-consistent pairs
    victim_loglik: NDArray[np.float64]    # (n_victims,) Σ_m log P(g_v)
    family_null: tuple[NDArray[np.float64], ...]
    mutation_on: tuple[bool, ...]

    @property
    def loglik_null(self) -> float:
        return float(self.victim_loglik.sum()) + sum(float(x.sum()) for x in self.family_null)

    def family_allowed(self, f: int) -> NDArray[np.bool_]:
        cols = [s for s, fam in enumerate(self.slot_family) if fam == f]
        return np.asarray(self.allowed[:, cols], dtype=bool)


def _no_mutation(marker: KinshipMarker) -> KinshipMarker:
    return marker if marker.mutation is None else dataclasses.replace(marker, mutation=None)


def _compile(problem: DVIProblem, mutation: str, *, possible: bool = True) -> _Compiled:
    """Integer form of ``problem``; ``possible``: refuse families whose references are
    impossible (likelihood 0) under the chosen mutation setting."""
    if mutation not in MUTATION_CHOICES:
        raise CaseError(f"mutation must be one of {', '.join(MUTATION_CHOICES)}",
                        field="mutation", value=mutation)
    markers = problem.markers
    plain = tuple(_no_mutation(m) for m in markers)
    codes = []
    for marker in markers:
        c = np.full((len(problem.victims), 2), -1, dtype=np.intp)
        for i, victim in enumerate(problem.victims):
            c[i] = marker.encode(problem.genotypes.get(victim.id, {}).get(marker.name),
                                 person=victim.id)
        codes.append(c)
    victims = _dvi_family.VictimData.build(codes, markers)
    victim_loglik = np.zeros(len(problem.victims))
    for m in range(len(markers)):
        victim_loglik += victims.log_hw[m][victims.inverse[m]]
    families: list[_dvi_family.FamilyData] = []
    nulls: list[NDArray[np.float64]] = []
    mutation_on: list[bool] = []
    slot_family: list[int] = []
    slot_column: list[int] = []
    allowed_cols: list[NDArray[np.bool_]] = []
    for f, fam in enumerate(problem.families):
        ped = fam.pedigree
        fidx = np.asarray(ped.fidx, dtype=np.intp)
        midx = np.asarray(ped.midx, dtype=np.intp)
        ref_codes = []
        for marker in markers:
            c = np.full((len(ped), 2), -1, dtype=np.intp)
            for pid in ped.ids:
                g = problem.genotypes.get(pid, {}).get(marker.name)
                if g is not None:
                    c[ped.index[pid]] = marker.encode(g, person=pid)
            ref_codes.append(c)
        slots = tuple(ped.index[m] for m in fam.missing)
        plain_data = _dvi_family.FamilyData(fidx, midx, tuple(ref_codes), slots, plain)
        use_mut = mutation == "all"
        if mutation == "inconsistent":
            use_mut = bool(np.any(_dvi_family.family_null(plain_data) == -math.inf))
        data = _dvi_family.FamilyData(fidx, midx, tuple(ref_codes), slots,
                                      markers if use_mut else plain)
        null = _dvi_family.family_null(data)
        bad = [markers[m].name for m in np.flatnonzero(null == -math.inf)]
        if bad and possible:
            raise CaseError(f"the references of family {fam.id!r} are impossible (likelihood "
                            f"0) at marker{'s' if len(bad) > 1 else ''} {', '.join(bad)}"
                            + ("" if use_mut and any(markers[i].mutation is not None
                                                     for i in range(len(markers)))
                               else "; a mutation model may explain them"),
                            field="families", value=fam.id, marker=bad[0],
                            source=problem.source)
        families.append(data)
        nulls.append(null)
        mutation_on.append(use_mut)
        for col, mp in enumerate(fam.missing):
            slot_family.append(f)
            slot_column.append(col)
            msex = ped.person(mp).sex
            allowed_cols.append(np.array([sex_compatible(v.sex, msex)
                                          for v in problem.victims], dtype=bool))
    allowed = (np.stack(allowed_cols, axis=1) if allowed_cols
               else np.zeros((len(problem.victims), 0), dtype=bool))
    return _Compiled(problem, victims, tuple(families), tuple(slot_family),
                     tuple(slot_column), allowed, victim_loglik, tuple(nulls),
                     tuple(mutation_on))


# --- pairwise LR matrix and exclusions ------------------------------------------------


@dataclass(frozen=True, eq=False)
class PairwiseMatrix:
    """A victims × missing-persons matrix (float64); NaN where the pair is not allowed."""

    victims: tuple[str, ...]
    missing: tuple[str, ...]
    values: NDArray[np.float64]

    def get(self, victim: str, missing: str) -> float:
        """The entry for one pair."""
        return float(self.values[self.victims.index(victim), self.missing.index(missing)])

    def to_dict(self) -> dict[str, dict[str, float | None]]:
        """``{victim: {missing: value}}``; NaN (a pair not allowed) as ``None``."""
        return {v: {m: (None if math.isnan(x) else float(x))
                    for m, x in zip(self.missing, row.tolist(), strict=True)}
                for v, row in zip(self.victims, self.values, strict=True)}


def _pairwise_log(compiled: _Compiled) -> NDArray[np.float64]:
    """log LR[v, s] for every pair (``-inf`` exclusion, NaN not allowed)."""
    n_v = len(compiled.problem.victims)
    out = np.full((n_v, len(compiled.slot_family)), math.nan)
    for s, (f, col) in enumerate(zip(compiled.slot_family, compiled.slot_column,
                                     strict=True)):
        fam = compiled.families[f]
        one = dataclasses.replace(fam, slot_persons=(fam.slot_persons[col],))
        ratio = _dvi_family.root_ratios(one, compiled.victims)
        allowed = compiled.allowed[:, s]
        out[allowed, s] = ratio[allowed]
    return out


def pairwise_lr_matrix(problem: DVIProblem, *, mutation: MutationChoice = "all") -> PairwiseMatrix:
    """The pairwise LR matrix (dvir ``pairwiseLR``; module docstring)."""
    compiled = _compile(problem, mutation)
    with np.errstate(over="ignore"):
        values = np.exp(_pairwise_log(compiled))
    return PairwiseMatrix(problem.victim_ids, problem.missing_ids, values)


def exclusion_matrix(problem: DVIProblem) -> PairwiseMatrix:
    """Markers at which each pair is impossible without mutation (dvir ``exclusionMatrix``).

    Counted with every mutation model removed, as forrel's ``findExclusions`` does; NaN
    marks a sex-incompatible pair.
    """
    return _exclusions(_compile(problem, "none", possible=False))


def _exclusions(compiled: _Compiled) -> PairwiseMatrix:
    problem = compiled.problem
    out = np.full(compiled.allowed.shape, math.nan)
    for s, (f, col) in enumerate(zip(compiled.slot_family, compiled.slot_column,
                                     strict=True)):
        fam = compiled.families[f]
        one = dataclasses.replace(fam, slot_persons=(fam.slot_persons[col],),
                                  markers=tuple(_no_mutation(m) for m in fam.markers))
        counts = _dvi_family.exclusion_counts(one, compiled.victims)
        allowed = compiled.allowed[:, s]
        out[allowed, s] = counts[allowed]
    return PairwiseMatrix(problem.victim_ids, problem.missing_ids, out)


# --- counting assignments -------------------------------------------------------------


def _count(allowed: NDArray[np.bool_]) -> int:
    """Number of partial injective maps victims → slots using allowed pairs only.

    Victims and slots fall into classes of identical compatibility (rows and columns of
    ``allowed``); a dynamic programme over victim classes counts, for every number of
    slots taken from each slot class, the ways to get there (exact integers).
    """
    if allowed.shape[1] == 0:
        return 1
    cols, col_class = np.unique(allowed.T, axis=0, return_inverse=True)
    col_sizes = np.bincount(col_class.reshape(-1), minlength=len(cols)).tolist()
    rows, row_class = np.unique(allowed, axis=0, return_inverse=True)
    row_sizes = np.bincount(row_class.reshape(-1), minlength=len(rows)).tolist()
    states: dict[tuple[int, ...], int] = {tuple([0] * len(cols)): 1}
    for r, size in enumerate(row_sizes):
        ok = [c for c in range(len(cols)) if rows[r][int(np.flatnonzero(col_class == c)[0])]]
        for _ in range(size):
            nxt: dict[tuple[int, ...], int] = {}
            for used, ways in states.items():
                nxt[used] = nxt.get(used, 0) + ways
                for c in ok:
                    free = col_sizes[c] - used[c]
                    if free > 0:
                        key = used[:c] + (used[c] + 1,) + used[c + 1:]
                        nxt[key] = nxt.get(key, 0) + ways * free
            states = nxt
    return sum(states.values())


def count_assignments(problem: DVIProblem) -> int:
    """Number of sex-consistent assignments (exact, possibly very large)."""
    compiled = _compile_sexes(problem)
    return _count(compiled)


def _compile_sexes(problem: DVIProblem) -> NDArray[np.bool_]:
    cols = [np.array([sex_compatible(v.sex, problem.missing_sex(m)) for v in problem.victims],
                     dtype=bool) for m in problem.missing_ids]
    return (np.stack(cols, axis=1) if cols
            else np.zeros((len(problem.victims), 0), dtype=bool))


# --- joint identification -------------------------------------------------------------


@dataclass(frozen=True)
class RankedAssignment:
    """One assignment: ``mapping`` victim → missing person or ``"*"``, with its numbers.

    ``posterior`` is exact when the solution is complete; otherwise the true posterior
    lies in ``[posterior, posterior_max]`` (``posterior`` is the conservative lower bound).
    """

    mapping: Mapping[str, str]
    loglik: float
    log10_lr: float
    posterior: float
    posterior_max: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready (non-finite numbers as ``None``)."""
        return {"assignment": dict(self.mapping), "loglik": _finite(self.loglik),
                "log10_lr": _finite(self.log10_lr), "posterior": self.posterior,
                "posterior_max": self.posterior_max}


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


@dataclass(frozen=True)
class Identification:
    """An identification ``victim = missing`` (in ``family``), with its pairwise LR."""

    victim: str
    missing: str
    family: str
    lr: float
    step: int = 1

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {"victim": self.victim, "missing": self.missing, "family": self.family,
                "lr": _finite(self.lr), "step": self.step}


@dataclass(frozen=True, eq=False)
class DVISolution:
    """The answer of :func:`solve_dvi`.

    ``assignments`` are ranked by decreasing ``loglik`` (exact order); the total weight of
    all assignments lies in ``[10^log10_total_lr_min, 10^log10_total_lr_max]`` times the
    null likelihood, so every posterior is bracketed; ``complete`` when both are equal
    (every assignment accounted for exactly). ``unlisted_posterior_max`` bounds the
    posterior mass of the assignments not listed. ``pairing_min``/``pairing_max`` bracket
    the posterior probability of each identification victim = missing person;
    ``glr`` holds the exact GLR of each allowed pair and ``glr_max`` an upper bound (equal
    where exact; pairs proven below the floor of :func:`solve_dvi` have only the bound;
    NaN when not allowed).
    """

    problem: DVIProblem
    loglik_null: float
    n_assignments: int
    assignments: tuple[RankedAssignment, ...]
    complete: bool
    log10_total_lr_min: float
    log10_total_lr_max: float
    unlisted_posterior_max: float
    pairwise: PairwiseMatrix
    pairing_min: PairwiseMatrix
    pairing_max: PairwiseMatrix
    glr: PairwiseMatrix
    glr_max: PairwiseMatrix
    exclusions: PairwiseMatrix
    undisputed: tuple[Identification, ...]
    expansions: int
    tables: int
    provenance: Provenance
    timings: Mapping[str, float] = field(default_factory=dict)
    fixed: tuple[Identification, ...] = ()

    @property
    def best(self) -> RankedAssignment:
        """The most likely assignment."""
        return self.assignments[0]

    def conflicts(self, *, min_lr: float = 1.0) -> dict[str, dict[str, list[str]]]:
        """Competing pairings for the DVI lead: victims with pairwise LR above ``min_lr``
        for missing persons of two or more families, and missing persons with LR above
        ``min_lr`` for two or more victims. ``{"victims": {v: [m…]}, "missing": {m: [v…]}}``.
        """
        values = np.nan_to_num(self.pairwise.values, nan=0.0)
        hits = values > min_lr
        p = self.problem
        victims = {}
        for i, v in enumerate(p.victim_ids):
            ms = [p.missing_ids[j] for j in np.flatnonzero(hits[i])]
            if len({p.family_of[m] for m in ms}) > 1:
                victims[v] = ms
        missing = {}
        for j, m in enumerate(p.missing_ids):
            vs = [p.victim_ids[i] for i in np.flatnonzero(hits[:, j])]
            if len(vs) > 1:
                missing[m] = vs
        return {"victims": victims, "missing": missing}

    def identifications(self) -> list[PairingSummary]:
        """The pairings of the best assignment, each with its pairwise LR, GLR and the
        bracket of its posterior probability."""
        out: list[PairingSummary] = []
        for v, m in self.best.mapping.items():
            if m == NOBODY:
                continue
            out.append(PairingSummary(
                victim=v, missing=m, family=self.problem.family_of[m],
                pairwise_lr=self.pairwise.get(v, m), glr=self.glr.get(v, m),
                posterior=self.pairing_min.get(v, m),
                posterior_max=self.pairing_max.get(v, m)))
        return out


@dataclass(frozen=True)
class PairingSummary:
    """One pairing ``victim = missing`` with its evidence (:meth:`DVISolution.identifications`).
    """

    victim: str
    missing: str
    family: str
    pairwise_lr: float
    glr: float
    posterior: float
    posterior_max: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready (non-finite numbers as ``None``)."""
        return {"victim": self.victim, "missing": self.missing, "family": self.family,
                "pairwise_lr": _finite(self.pairwise_lr), "glr": _finite(self.glr),
                "posterior": self.posterior, "posterior_max": self.posterior_max}


def solve_dvi(
    problem: DVIProblem,
    *,
    top: int = 10,
    enumerate_all: bool = False,
    tolerance: float = 1e-9,
    max_expansions: int = 200_000,
    mutation: MutationChoice = "all",
    glr: bool = True,
    glr_floor: float = 1e-6,
    undisputed_threshold: float = 1e4,
    fix_undisputed: bool = False,
    max_family_tables: int = DEFAULT_MAX_FAMILY_TABLES,
    max_listed: int = 1_000_000,
) -> DVISolution:
    """Joint identification (module docstring).

    Parameters
    ----------
    top : how many assignments to rank exactly (at least 1).
    enumerate_all : list every sex-consistent assignment, zero-likelihood ones included,
        with exact posteriors (refused beyond ``max_listed`` assignments).
    tolerance : stop refining once ``(Z_max − Z_min) ≤ tolerance · Z_min`` for the total
        weight ``Z``; ``max_expansions`` caps the search (the bounds stay valid).
    mutation : where mutation is modelled (:data:`MUTATION_CHOICES`).
    glr : compute the GLR of every allowed pair (exactly where it may reach ``glr_floor``;
        below, a proven upper bound; ``glr_floor = 0`` makes every one exact).
    undisputed_threshold : the threshold ``T`` of the undisputed identifications reported.
    fix_undisputed : first fix the undisputed identifications (their victims become
        references of their families) and solve what is left, as dvir's ``jointDVI``
        does; every number is then conditional on them (``DVISolution.fixed``). For
        families too large to solve whole.
    max_family_tables : refuse a family whose exact option table needs more genotype
        tables than this (raises :class:`CaseError` naming the family).
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise CaseError("top must be a positive integer", field="top", value=top)
    if not (isinstance(tolerance, float | int) and tolerance >= 0):
        raise CaseError("tolerance must be a non-negative number", field="tolerance",
                        value=tolerance)
    if not isinstance(enumerate_all, bool) or not isinstance(glr, bool):
        raise CaseError("enumerate_all and glr must be booleans", field="enumerate_all",
                        value=enumerate_all)
    if not isinstance(fix_undisputed, bool):
        raise CaseError("fix_undisputed must be a boolean", field="fix_undisputed",
                        value=fix_undisputed)
    options_kw = {"top": top, "enumerate_all": enumerate_all, "tolerance": tolerance,
                  "max_expansions": max_expansions, "mutation": mutation, "glr": glr,
                  "glr_floor": glr_floor, "undisputed_threshold": undisputed_threshold,
                  "max_family_tables": max_family_tables, "max_listed": max_listed}
    if fix_undisputed:
        found = find_undisputed(problem, threshold=undisputed_threshold, mutation=mutation)
        if found.identifications:
            return _solve_fixed(problem, found, options_kw)
    started = time.perf_counter()
    compiled = _compile(problem, mutation)
    n_assignments = _count(compiled.allowed)
    if enumerate_all and n_assignments > max_listed:
        raise CaseError(f"{n_assignments} assignments are too many to list (at most "
                        f"{max_listed}); leave out --all to rank the best ones with bounds",
                        field="enumerate_all", value=n_assignments)
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    options = _family_tables(compiled, max_family_tables)
    tables = sum(o.tables for o in options)
    timings["family_tables"] = time.perf_counter() - clock
    clock = time.perf_counter()
    slots_of = [np.flatnonzero(np.asarray(compiled.slot_family) == f)
                for f in range(len(options))]
    search = _dvi_search.JointSearch(
        [(o.victims, o.logw, slots_of[f]) for f, o in enumerate(options)],
        len(problem.victims), len(compiled.slot_family))
    loglik0 = compiled.loglik_null
    pairwise_log = _pairwise_from_options(compiled, options)
    if enumerate_all:
        table = _enumerate(compiled, options)
        logs = [lw for _, lw in table]
        log_z = _dvi_search._logsumexp(logs)
        log_lo = log_hi = log_z
        ranked = table
        complete = True
        expansions = 0
        lower_m, upper_m = _table_marginals(table, compiled, log_z)
    else:
        result = search.run(top=top, tolerance=float(tolerance),
                            max_expansions=max_expansions)
        log_lo, log_hi = result.log_z_lower, result.log_z_upper
        complete = result.complete
        expansions = result.expansions
        ranked = [(_mapping_from_choices(compiled, options, ch), lw)
                  for ch, lw in result.ranked]
        lo_raw, hi_raw, ref = search.marginals(result)
        lower_m = lo_raw * math.exp(ref - log_hi)
        upper_m = np.minimum(hi_raw * math.exp(ref - log_lo), 1.0)
    timings["search"] = time.perf_counter() - clock
    assignments = tuple(
        RankedAssignment(mapping=mapping, loglik=loglik0 + lw, log10_lr=lw / _LN10,
                         posterior=_ratio(lw, log_hi), posterior_max=_ratio(lw, log_lo))
        for mapping, lw in ranked)
    listed = _dvi_search._logsumexp([lw for _, lw in ranked])
    unlisted = max(0.0, 1.0 - math.exp(listed - log_hi)) if log_hi > -math.inf else 0.0
    victims, missing = problem.victim_ids, problem.missing_ids
    nan_mask = ~compiled.allowed
    with np.errstate(over="ignore"):
        pairwise_values = np.exp(pairwise_log)
    pairing_min = np.where(nan_mask, math.nan, lower_m)
    pairing_max = np.where(nan_mask, math.nan, upper_m)
    clock = time.perf_counter()
    glr_values, glr_upper = (_glr(compiled, options, search, ranked, glr_floor) if glr
                             else (np.full(compiled.allowed.shape, math.nan),) * 2)
    timings["glr"] = time.perf_counter() - clock
    clock = time.perf_counter()
    exclusions = _exclusions(compiled)
    with np.errstate(over="ignore"):
        first = PairwiseMatrix(victims, missing, np.exp(pairwise_log))
    undisputed = _find_undisputed(problem, float(undisputed_threshold), False, mutation,
                                  first).identifications
    timings["exclusions_undisputed"] = time.perf_counter() - clock
    params = {"top": top, "enumerate_all": enumerate_all, "tolerance": tolerance,
              "max_expansions": max_expansions, "mutation": mutation,
              "undisputed_threshold": undisputed_threshold}
    return DVISolution(
        problem=problem, loglik_null=loglik0, n_assignments=n_assignments,
        assignments=assignments, complete=complete,
        log10_total_lr_min=log_lo / _LN10, log10_total_lr_max=log_hi / _LN10,
        unlisted_posterior_max=unlisted,
        pairwise=PairwiseMatrix(victims, missing, pairwise_values),
        pairing_min=PairwiseMatrix(victims, missing, pairing_min),
        pairing_max=PairwiseMatrix(victims, missing, pairing_max),
        glr=PairwiseMatrix(victims, missing, glr_values),
        glr_max=PairwiseMatrix(victims, missing, glr_upper),
        exclusions=exclusions, undisputed=undisputed, expansions=expansions, tables=tables,
        provenance=make_provenance("solve_dvi", params,
                                   elapsed_seconds=time.perf_counter() - started),
        timings=timings)


def _solve_fixed(problem: DVIProblem, found: UndisputedResult,
                 options_kw: Mapping[str, object]) -> DVISolution:
    """Solve ``found.reduced`` and express its answer over the whole problem: each
    assignment also holds the fixed pairs (same data, same joint likelihood), ``log10_lr``
    is against the whole problem's null, posteriors are conditional on the fixed pairs."""
    mutation = str(options_kw["mutation"])
    fixed = {i.victim: i.missing for i in found.identifications}
    whole = _compile(problem, mutation)
    loglik0 = whole.loglik_null
    victims, missing = problem.victim_ids, problem.missing_ids
    n_v, n_s = len(victims), len(missing)
    pairwise = pairwise_lr_matrix(problem, mutation=mutation)  # type: ignore[arg-type]
    pair_min = np.where(whole.allowed, 0.0, math.nan)
    pair_max = pair_min.copy()
    glr_v = np.full((n_v, n_s), math.nan)
    glr_m = glr_v.copy()
    vi = {v: i for i, v in enumerate(victims)}
    mi = {m: i for i, m in enumerate(missing)}
    for v, m in fixed.items():
        pair_min[vi[v], mi[m]] = pair_max[vi[v], mi[m]] = 1.0
    if found.reduced is None:
        mapping = dict.fromkeys(victims, NOBODY) | fixed
        loglik = _assignment_loglik(whole, mapping)
        assignments = (RankedAssignment(mapping, loglik, (loglik - loglik0) / _LN10, 1.0, 1.0),)
        return DVISolution(
            problem, loglik0, 1, assignments, True, 0.0, 0.0, 0.0, pairwise,
            PairwiseMatrix(victims, missing, pair_min), PairwiseMatrix(victims, missing, pair_max),
            PairwiseMatrix(victims, missing, glr_v), PairwiseMatrix(victims, missing, glr_m),
            _exclusions(_compile(problem, "none", possible=False)), found.identifications,
            0, 0, make_provenance("solve_dvi", {**options_kw, "fix_undisputed": True}),
            {}, found.identifications)
    sub = solve_dvi(found.reduced, **options_kw)  # type: ignore[arg-type]
    rv = {v: vi[v] for v in sub.problem.victim_ids}
    rm = {m: mi[m] for m in sub.problem.missing_ids}
    for i, v in enumerate(sub.problem.victim_ids):
        for j, m in enumerate(sub.problem.missing_ids):
            pair_min[rv[v], rm[m]] = sub.pairing_min.values[i, j]
            pair_max[rv[v], rm[m]] = sub.pairing_max.values[i, j]
            glr_v[rv[v], rm[m]] = sub.glr.values[i, j]
            glr_m[rv[v], rm[m]] = sub.glr_max.values[i, j]
    # The reduced problem leaves out families whose every missing person is fixed: a
    # constant factor of every assignment, found once from the best one.
    first = dict.fromkeys(victims, NOBODY) | dict(sub.best.mapping) | fixed
    offset = _assignment_loglik(whole, first) - sub.best.loglik
    shift = (offset + sub.loglik_null - loglik0) / _LN10
    ranked = tuple(
        RankedAssignment(dict.fromkeys(victims, NOBODY) | dict(a.mapping) | fixed,
                         a.loglik + offset, (a.loglik + offset - loglik0) / _LN10,
                         a.posterior, a.posterior_max)
        for a in sub.assignments)
    return DVISolution(
        problem=problem, loglik_null=loglik0, n_assignments=sub.n_assignments,
        assignments=ranked, complete=sub.complete,
        log10_total_lr_min=sub.log10_total_lr_min + shift,
        log10_total_lr_max=sub.log10_total_lr_max + shift,
        unlisted_posterior_max=sub.unlisted_posterior_max, pairwise=pairwise,
        pairing_min=PairwiseMatrix(victims, missing, pair_min),
        pairing_max=PairwiseMatrix(victims, missing, pair_max),
        glr=PairwiseMatrix(victims, missing, glr_v),
        glr_max=PairwiseMatrix(victims, missing, glr_m),
        exclusions=_exclusions(_compile(problem, "none", possible=False)),
        undisputed=found.identifications, expansions=sub.expansions, tables=sub.tables,
        provenance=make_provenance("solve_dvi", {**options_kw, "fix_undisputed": True},
                                   elapsed_seconds=sub.provenance.elapsed_seconds),
        timings=sub.timings, fixed=found.identifications)


def _assignment_loglik(compiled: _Compiled, mapping: Mapping[str, str]) -> float:
    """Joint log-likelihood of one assignment, straight from its definition."""
    victims = compiled.problem.victim_ids
    placed = {m: victims.index(v) for v, m in mapping.items() if m != NOBODY}
    total = sum(float(compiled.victim_loglik[i]) for i, v in enumerate(victims)
                if mapping[v] == NOBODY)
    for f, fam in enumerate(compiled.families):
        family = compiled.problem.families[f]
        codes = []
        for m in range(len(fam.markers)):
            c = fam.ref_codes[m].copy()
            for col, mp in enumerate(family.missing):
                if mp in placed:
                    c[fam.slot_persons[col]] = compiled.victims.codes[m][placed[mp]]
            codes.append(c)
        logs = batch_log_likelihoods(fam.fidx, fam.midx, codes, list(fam.markers))
        total += math.fsum(logs)
    return total


def _ratio(log_num: float, log_den: float) -> float:
    if log_num == -math.inf or log_den == -math.inf:
        return 0.0
    return min(1.0, math.exp(log_num - log_den))


def _family_tables(compiled: _Compiled, budget: int) -> list[_dvi_family.FamilyOptions]:
    """Every family's option table, by the chain of genotype tables or, when a family has
    few options but many conditioning tuples, one likelihood per option and marker."""
    out = []
    n_markers = len(compiled.problem.markers)
    for f, fam in enumerate(compiled.families):
        allowed = compiled.family_allowed(f)
        chain = _dvi_family.estimate_tables(compiled.victims, allowed)
        direct = (_dvi_family.count_options(allowed) * n_markers
                  if allowed.shape[1] > 1 and chain > 1000 else chain + 1)
        need = min(chain, direct)
        if need > budget:
            family = compiled.problem.families[f]
            raise CaseError(
                f"family {family.id!r} has {len(family.missing)} missing persons and "
                f"{int(allowed.any(axis=1).sum())} candidate victims: its exact joint table "
                f"needs about {need} genotype tables or likelihoods (limit {budget}); fix "
                "undisputed identifications first or raise the limit", field="families",
                value=family.id, source=compiled.problem.source)
        build = (_dvi_family.family_options if chain <= direct
                 else _dvi_family.family_options_direct)
        out.append(build(fam, compiled.victims, allowed, compiled.family_null[f]))
    return out


def _pairwise_from_options(compiled: _Compiled, options: Sequence[_dvi_family.FamilyOptions]
                           ) -> NDArray[np.float64]:
    """log LR[v, s] from the option tables (single-victim options), NaN if not allowed."""
    out = np.where(compiled.allowed, -math.inf, math.nan)
    for s, (f, col) in enumerate(zip(compiled.slot_family, compiled.slot_column,
                                     strict=True)):
        opts = options[f]
        placed = (opts.victims >= 0).sum(axis=1)
        single = np.flatnonzero((placed == 1) & (opts.victims[:, col] >= 0))
        out[opts.victims[single, col], s] = opts.logw[single]
    return out


def _mapping_from_choices(compiled: _Compiled, options: Sequence[_dvi_family.FamilyOptions],
                          choices: Sequence[int]) -> dict[str, str]:
    victims = compiled.problem.victim_ids
    mapping = dict.fromkeys(victims, NOBODY)
    for f, opt in enumerate(choices):
        row = options[f].victims[opt]
        family = compiled.problem.families[f]
        for col, v in enumerate(row.tolist()):
            if v >= 0:
                mapping[victims[v]] = family.missing[col]
    return mapping


def _enumerate(compiled: _Compiled, options: Sequence[_dvi_family.FamilyOptions]
               ) -> list[tuple[dict[str, str], float]]:
    """Every sex-consistent assignment with its log LR (−inf when impossible), ranked.

    Ties keep dvir's order: by the assignment, victims in order, ``*`` last.
    """
    lookup = [{tuple(row): float(w) for row, w in zip(o.victims.tolist(), o.logw.tolist(),
                                                       strict=True)} for o in options]
    n_v = len(compiled.problem.victims)
    slots = len(compiled.slot_family)
    rows: list[tuple[tuple[int, ...], float]] = []
    per_victim = [[-1, *np.flatnonzero(compiled.allowed[v]).tolist()] for v in range(n_v)]

    def walk(v: int, taken: list[int]) -> None:
        if v == n_v:
            total = 0.0
            for f in range(len(compiled.families)):
                cols = [s for s in range(slots) if compiled.slot_family[s] == f]
                key = tuple(taken[s] for s in cols)
                total += lookup[f].get(key, -math.inf)
                if total == -math.inf:
                    break
            rows.append((tuple(taken), total))
            return
        for s in per_victim[v]:
            if s >= 0 and taken[s] >= 0:
                continue
            if s >= 0:
                taken[s] = v
            walk(v + 1, taken)
            if s >= 0:
                taken[s] = -1

    walk(0, [-1] * slots)
    victims = compiled.problem.victim_ids
    missing = compiled.problem.missing_ids

    def labels(taken: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
        slot_of = dict.fromkeys(range(n_v), slots)
        for s, v in enumerate(taken):
            if v >= 0:
                slot_of[v] = s
        return tuple((1, 0) if slot_of[v] == slots else (0, slot_of[v]) for v in range(n_v))

    rows.sort(key=lambda r: (-r[1], labels(r[0])))
    out: list[tuple[dict[str, str], float]] = []
    for taken, lw in rows:
        mapping = dict.fromkeys(victims, NOBODY)
        for s, v in enumerate(taken):
            if v >= 0:
                mapping[victims[v]] = missing[s]
        out.append((mapping, lw))
    return out


def _table_marginals(table: Sequence[tuple[Mapping[str, str], float]], compiled: _Compiled,
                     log_z: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    victims = compiled.problem.victim_ids
    missing = compiled.problem.missing_ids
    vi = {v: i for i, v in enumerate(victims)}
    mi = {m: i for i, m in enumerate(missing)}
    acc = np.zeros((len(victims), len(missing)))
    for mapping, lw in table:
        if lw == -math.inf:
            continue
        w = math.exp(lw - log_z)
        for v, m in mapping.items():
            if m != NOBODY:
                acc[vi[v], mi[m]] += w
    acc = np.minimum(acc, 1.0)
    return acc, acc.copy()


def _glr(compiled: _Compiled, options: Sequence[_dvi_family.FamilyOptions],
         search: _dvi_search.JointSearch, ranked: Sequence[tuple[Mapping[str, str], float]],
         floor: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """GLR of every allowed pair: best with ``V = M`` over best with ``V ≠ M``.

    Returns ``(exact, upper)``. Both maxima are read from the exactly ranked assignments
    where these contain them; otherwise a constrained best-first search (exact) supplies
    the missing one. For a pair outside the best assignment the denominator is the best
    assignment and the GLR is at most 1; when a relaxation (families maximised
    independently, the victim used nowhere else) proves it below ``floor``, the pair gets
    that bound in ``upper`` and NaN in ``exact`` instead of a search.
    """
    victims = compiled.problem.victim_ids
    missing = compiled.problem.missing_ids
    n_v, n_s = compiled.allowed.shape
    exact = np.full((n_v, n_s), math.nan)
    upper = np.full((n_v, n_s), math.nan)
    finite = [(m, lw) for m, lw in ranked if lw > -math.inf]
    if not finite:  # the search budget ended before ranking any: find the best one
        top = search.best()
        if top is None:
            return exact, upper
        finite = [(_mapping_from_choices(compiled, options, top[0]), top[1])]
    vi = {v: i for i, v in enumerate(victims)}
    mi = {m: i for i, m in enumerate(missing)}
    with_pair: dict[tuple[int, int], float] = {}
    without_pair: dict[tuple[int, int], float] = {}
    pairs = [(v, s) for v in range(n_v) for s in range(n_s) if compiled.allowed[v, s]]
    placed_sets = [{(vi[v], mi[m]) for v, m in mapping.items() if m != NOBODY}
                   for mapping, _ in finite]
    for pair in pairs:
        for placed, (_, lw) in zip(placed_sets, finite, strict=True):
            if pair in placed:
                with_pair.setdefault(pair, lw)
            else:
                without_pair.setdefault(pair, lw)
            if pair in with_pair and pair in without_pair:
                break
    best_log = finite[0][1]
    bound = _relaxed_pair_max(compiled, options)
    for v, s in pairs:
        num = with_pair.get((v, s))
        den = without_pair.get((v, s))
        if num is None and bound[v, s] == -math.inf:
            exact[v, s] = upper[v, s] = 0.0
            continue
        below = floor > 0 and bound[v, s] - best_log < math.log(floor)
        if num is None and below:
            upper[v, s] = math.exp(bound[v, s] - best_log)
            continue
        if num is None:
            num = _constrained_best(compiled, options, search, v, s, forced=True)
        if den is None:
            den = _constrained_best(compiled, options, search, v, s, forced=False)
        if num == -math.inf:
            value = 0.0
        elif den == -math.inf:
            value = math.inf
        else:
            with np.errstate(over="ignore"):
                value = float(np.exp(num - den))
        exact[v, s] = upper[v, s] = value
    return exact, upper


def _relaxed_pair_max(compiled: _Compiled, options: Sequence[_dvi_family.FamilyOptions]
                      ) -> NDArray[np.float64]:
    """Upper bound on log max weight of assignments with victim v at slot s: the best
    option of s's family holding v at s, times the best option of every other family that
    does not use v (the families' mutual disjointness dropped)."""
    n_v, n_s = compiled.allowed.shape
    a = np.full((n_v, n_s), -math.inf)
    without = np.zeros((n_v, len(options)))
    for f, opts in enumerate(options):
        cols = [s for s in range(n_s) if compiled.slot_family[s] == f]
        for col, s in enumerate(cols):
            rows = opts.victims[:, col] >= 0
            np.maximum.at(a[:, s], opts.victims[rows, col], opts.logw[rows])
        top = int(np.argmax(opts.logw))
        without[:, f] = opts.logw[top]
        for v in opts.victims[top][opts.victims[top] >= 0].tolist():
            keep = ~(opts.victims == v).any(axis=1)
            without[v, f] = float(opts.logw[keep].max())
    total = without.sum(axis=1)
    out = np.full((n_v, n_s), -math.inf)
    for s in range(n_s):
        f = compiled.slot_family[s]
        out[:, s] = a[:, s] + total - without[:, f]
    return out


def _constrained_best(compiled: _Compiled, options: Sequence[_dvi_family.FamilyOptions],
                      search: _dvi_search.JointSearch, v: int, s: int, *, forced: bool
                      ) -> float:
    """Best log LR over assignments with victim ``v`` at slot ``s`` (or, not forced, not
    at ``s``); ``-inf`` when there is none of positive weight."""
    f_s = compiled.slot_family[s]
    col_s = compiled.slot_column[s]
    masks: list[NDArray[np.bool_] | None] = []
    for f, opts in enumerate(options):
        rows = opts.victims
        if f == f_s:
            at = rows[:, col_s] == v
            masks.append(at if forced else ~at)
        else:
            masks.append(~(rows == v).any(axis=1) if forced else None)
    search.restrict(masks)
    try:
        best = search.best()
    finally:
        search.restrict([None] * len(options))
    return -math.inf if best is None else best[1]


# --- undisputed identifications --------------------------------------------------------


@dataclass(frozen=True, eq=False)
class UndisputedResult:
    """Undisputed identifications in the order found, and the reduced problem (victims
    moved into their families as typed references; ``None`` when nothing is left)."""

    identifications: tuple[Identification, ...]
    reduced: DVIProblem | None


def _undisputed_entries(lr: NDArray[np.float64], threshold: float, strict: bool
                        ) -> list[tuple[int, int]]:
    """Entries ``LR ≥ T`` with every other entry of their row and column ``≤ LR / T``
    (``strict``: ``≤ 1``). Ties count as met, within a relative 1e-9: "at least T times"
    must not depend on the last bit of two computed LRs."""
    m = np.where(np.isnan(lr), -1.0, lr)
    slack = 1.0 + 1e-9
    out = []
    for r, c in zip(*np.nonzero(m * slack >= threshold), strict=True):
        others = np.concatenate([np.delete(m[r], c), np.delete(m[:, c], r)])
        limit = 1.0 if strict else m[r, c] / threshold
        if bool(np.all(others <= limit * slack)):
            out.append((int(r), int(c)))
    return out


def find_undisputed(problem: DVIProblem, *, threshold: float = 1e4, strict: bool = False,
                    mutation: MutationChoice = "all") -> UndisputedResult:
    """Undisputed identifications, iterated as dvir's ``findUndisputed`` (module docstring).
    """
    if not (isinstance(threshold, float | int) and threshold > 1):
        raise CaseError("threshold must be a number larger than 1", field="threshold",
                        value=threshold)
    return _find_undisputed(problem, float(threshold), strict, mutation, None)


def _find_undisputed(problem: DVIProblem, threshold: float, strict: bool,
                     mutation: MutationChoice, first: PairwiseMatrix | None
                     ) -> UndisputedResult:
    found: list[Identification] = []
    current: DVIProblem | None = problem
    step = 0
    while current is not None and current.victims and current.missing_ids:
        step += 1
        matrix = first if step == 1 and first is not None else pairwise_lr_matrix(
            current, mutation=mutation)
        entries = _undisputed_entries(matrix.values, threshold, strict)
        if not entries:
            break
        moves = {matrix.victims[r]: matrix.missing[c] for r, c in entries}
        for r, c in entries:
            found.append(Identification(matrix.victims[r], matrix.missing[c],
                                        current.family_of[matrix.missing[c]],
                                        float(matrix.values[r, c]), step))
        current = _transfer(current, moves)
    return UndisputedResult(tuple(found), current)


def _transfer(problem: DVIProblem, moves: Mapping[str, str]) -> DVIProblem | None:
    """Place victims at their missing persons: the victim's data become a reference's."""
    placed = {m: v for v, m in moves.items()}
    genotypes = {pid: g for pid, g in problem.genotypes.items() if pid not in moves}
    for m, v in placed.items():
        if v in problem.genotypes:
            genotypes[m] = problem.genotypes[v]
    victims = tuple(x for x in problem.victims if x.id not in moves)
    families = tuple(Family(f.id, f.pedigree, tuple(m for m in f.missing if m not in placed))
                     for f in problem.families)
    families = tuple(f for f in families if f.missing)
    if not families or not victims:
        return None
    kept = {p for f in families for p in f.pedigree.ids} | {v.id for v in victims}
    genotypes = {pid: g for pid, g in genotypes.items() if pid in kept}
    return problem.replace(victims=victims, families=families, genotypes=genotypes)


# --- commingling: remains against remains ---------------------------------------------


def direct_match_lr(problem: DVIProblem, a: str, b: str) -> float:
    """LR that victims ``a`` and ``b`` are the same person against unrelated (dvir
    ``directMatch``): 0 for different known sexes or a marker where both are typed and
    incompatible; else Π over markers typed in both of
    ``P(g_a, g_b | same) / (P(g_a) P(g_b))`` (``1/P(g)`` for identical genotypes).
    """
    sexes = {v.id: v.sex for v in problem.victims}
    for pid in (a, b):
        if pid not in sexes:
            raise CaseError("not a victim of the problem", field="victim", value=pid)
    if "unknown" not in (sexes[a], sexes[b]) and sexes[a] != sexes[b]:
        return 0.0
    log_lr = 0.0
    for marker in problem.markers:
        ga = marker.encode(problem.genotypes.get(a, {}).get(marker.name), person=a)
        gb = marker.encode(problem.genotypes.get(b, {}).get(marker.name), person=b)
        if max(ga) < 0 or max(gb) < 0:
            continue
        p = marker.frequencies
        if min(ga) >= 0 and min(gb) >= 0:
            # Both fully typed: the same person only if the genotypes are equal.
            if sorted(ga) != sorted(gb):
                return 0.0
            x, y = ga
            log_lr -= math.log(p[x] * p[y] * (1.0 if x == y else 2.0))
            continue
        # A half-typed genotype is the event "this allele is one of the two": sum the
        # ordered genotypes (i, j), probability p_i p_j, consistent with both observations.
        outer = np.outer(p, p)
        in_a, in_b = _event(ga, p.size), _event(gb, p.size)
        same = float((outer * (in_a & in_b)).sum())
        if same == 0.0:
            return 0.0
        log_lr += math.log(same) - math.log(float((outer * in_a).sum())) - math.log(
            float((outer * in_b).sum()))
    return math.exp(log_lr)


def _event(g: tuple[int, int], n: int) -> NDArray[np.bool_]:
    """Ordered genotypes (i, j) consistent with the observation ``g``."""
    out = np.zeros((n, n), dtype=bool)
    a, b = g
    if a >= 0 and b >= 0:
        out[a, b] = out[b, a] = True
    else:
        known = a if a >= 0 else b
        out[known, :] = True
        out[:, known] = True
    return out


@dataclass(frozen=True, eq=False)
class Commingling:
    """Direct-match LRs between victims (symmetric, 0 on the diagonal) and the groups of
    remains linked by an LR at or above ``threshold`` (connected components, as dvir's
    ``mergePM``). ``conflicts`` are pairs inside one group that cannot be the same person
    (LR 0): such a group is linked only through other fragments and is not merged."""

    victims: tuple[str, ...]
    lr: NDArray[np.float64]
    threshold: float
    groups: tuple[tuple[str, ...], ...]
    conflicts: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: the groups with more than one fragment, and their links."""
        links = []
        n = len(self.victims)
        for i in range(n):
            for j in range(i + 1, n):
                if self.lr[i, j] >= self.threshold:
                    links.append({"a": self.victims[i], "b": self.victims[j],
                                  "lr": _finite(float(self.lr[i, j]))})
        return {"threshold": self.threshold,
                "groups": [list(g) for g in self.groups if len(g) > 1], "links": links,
                "conflicts": [list(c) for c in self.conflicts]}


def find_commingled(problem: DVIProblem, *, threshold: float = 1e4) -> Commingling:
    """Which remains are the same person: direct-match LR ≥ ``threshold`` links them."""
    if not (isinstance(threshold, float | int) and threshold > 0):
        raise CaseError("threshold must be a positive number", field="threshold",
                        value=threshold)
    ids = problem.victim_ids
    n = len(ids)
    lr = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            lr[i, j] = lr[j, i] = direct_match_lr(problem, ids[i], ids[j])
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in range(n):
        for j in range(i + 1, n):
            if lr[i, j] >= threshold:
                parent[find(i)] = find(j)
    groups: dict[int, list[str]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(ids[i])
    index = {v: i for i, v in enumerate(ids)}
    conflicts = tuple((a, b) for g in groups.values() for i, a in enumerate(g) for b in g[i + 1:]
                      if lr[index[a], index[b]] == 0.0)
    return Commingling(ids, lr, float(threshold), tuple(tuple(g) for g in groups.values()),
                       conflicts)


def merge_commingled(problem: DVIProblem, groups: Iterable[Sequence[str]]) -> DVIProblem:
    """One victim per group: the fragment typed at most markers keeps its id and takes
    every marker the others add (their genotypes agree wherever both are typed, which a
    positive direct-match LR guarantees; a full genotype wins over a half-typed one).
    A group holding two fragments that cannot be one person (LR 0) is refused."""
    by_id = {v.id: v for v in problem.victims}
    genotypes = {pid: dict(g) for pid, g in problem.genotypes.items()}
    drop: set[str] = set()
    for group in groups:
        members = list(group)
        for pid in members:
            if pid not in by_id:
                raise CaseError("not a victim of the problem", field="groups", value=pid)
        if len(members) < 2:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if direct_match_lr(problem, a, b) == 0.0:
                    raise CaseError(f"fragments {a!r} and {b!r} cannot be the same person "
                                    "(different sex or genotypes); not merged",
                                    field="groups", value=[a, b])

        def typed(pid: str) -> int:
            return sum(1 for g in genotypes.get(pid, {}).values()
                       if g is not None and any(a is not None for a in g))
        keep = max(members, key=lambda pid: (typed(pid), -members.index(pid)))
        merged = dict(genotypes.get(keep, {}))
        for pid in members:
            if pid == keep:
                continue
            for marker, g in genotypes.get(pid, {}).items():
                have = merged.get(marker)
                if g is None:
                    continue
                if have is None or (None in have and None not in g):
                    merged[marker] = g
            drop.add(pid)
        genotypes[keep] = merged
        sexes = {by_id[p].sex for p in members} - {"unknown"}
        if len(sexes) == 1:
            by_id[keep] = Victim(keep, sexes.pop())
    victims = tuple(by_id[v.id] for v in problem.victims if v.id not in drop)
    return problem.replace(victims=victims,
                           genotypes={p: g for p, g in genotypes.items() if p not in drop})


"""Mutation models for STR transmission: row-stochastic matrices, separate female and male.

Row = allele of the parent, column = allele transmitted to the child, in the order of the
marker's allele list. The named models follow the definitions of Familias 3 and the R
package pedmut (``mutationMatrix``), including how rates are normalised:

``equal``
    ``M[i,i] = 1 − r``, ``M[i,j] = r / (n − 1)``.
``proportional``
    ``α = r / Σ p_k(1 − p_k)``; ``M = (1 − α)·I + α·1pᵀ`` (mutation towards allele ``j``
    in proportion to its frequency; the expected mutation rate is exactly ``r``).
``onestep``
    Integer alleles only; mutation only to the neighbours ``a ± 1`` that exist in the list,
    the rate split evenly between them; ``M[i,i] = 1`` when there is no neighbour.
``stepwise``
    Alleles are read as numbers (``float`` of the name, as pedmut's ``as.numeric``); the
    microvariant group of an allele is its decimal digit ``round((a − round(a))·10)``
    (``16.3`` and ``9.3`` are in one group; integers form group 0). Within a group the
    off-diagonal weights are ``range^|a_i − a_j|`` rescaled to sum to ``rate``; each
    allele of another group gets ``rate2 / (#other groups' alleles)``; the diagonal is
    ``1 − rate`` (all alleles in one group), ``1 − rate2`` (the allele is alone in its
    group) or ``1 − rate − rate2``.
``trivial``
    The identity (no mutation).
``custom``
    A given matrix, validated (square, non-negative, rows summing to 1 within 1e-3 as
    pedmut checks).

``transform`` (pedmut ``mutationMatrix(..., transform=)``):

``MH``
    Metropolis–Hastings reversibilisation, ``R[i,j] = M[i,j]·min(1, p_j M[j,i] / (p_i
    M[i,j]))`` off the diagonal, the diagonal refilled to make rows sum to 1, then the
    overall rate ``1 − Σ p_i R[i,i]`` rescaled to the original's (pedmut ``adjustRate``).
``BA``
    Barker's variant ``R[i,j] = M[i,j]·p_j M[j,i] / (p_i M[i,j] + p_j M[j,i])``, adjusted
    the same way.
``PR``
    Preserved rate, ``R[i,j] = (p_i M[i,j] + p_j M[j,i]) / (2 p_i)``.
``PM``
    Simonsson & Mostad (2016) stabilisation to stationarity: ``S = diag(d)(M − I) + I``
    with ``d`` from the stationary vector of ``M`` (pedmut ``makeStationary``).

Extending a given matrix (:func:`extend_matrix`): when alleles are added to a marker after
its matrix was written (an allele seen in a genotype but not listed, given a frequency),
the given rows keep their proportions over the listed alleles, scaled by the probability
of not mutating into an added allele; the added alleles' columns for those rows, and the
added alleles' own rows, come from a model over the full allele list (the identity when
there is none: nothing mutates to or from an added allele). Rows still sum to 1.

References: Simonsson & Mostad (2016) FSI:Genetics 23:217–225; Egeland, Kling & Mostad,
*Relationship Inference with Familias and R* (2016), ch. 2; pedmut documentation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from reunite.errors import MutationModelError

__all__ = [
    "MODEL_NAMES",
    "TRANSFORMS",
    "MutationModel",
    "MutationSpec",
    "extend_matrix",
    "is_lumpable",
    "lump_matrix",
    "mutation_matrix",
    "overall_rate",
]

MODEL_NAMES = ("equal", "proportional", "onestep", "stepwise", "trivial", "custom")
TRANSFORMS = ("MH", "BA", "PR", "PM")

FloatMatrix = NDArray[np.float64]


@dataclass(frozen=True)
class MutationSpec:
    """A named mutation model and its parameters, for one sex."""

    model: str
    rate: float = 0.0
    rate2: float = 0.0
    range: float = 1.0
    transform: str | None = None
    matrix: tuple[tuple[float, ...], ...] | None = None

    def to_dict(self) -> dict[str, object]:
        """The parameters that define the model (for provenance)."""
        out: dict[str, object] = {"model": self.model}
        if self.model in ("equal", "proportional", "onestep", "stepwise"):
            out["rate"] = self.rate
        if self.model == "stepwise":
            out["rate2"] = self.rate2
            out["range"] = self.range
        if self.transform is not None:
            out["transform"] = self.transform
        return out


@dataclass(frozen=True, eq=False)
class MutationModel:
    """Female and male transition matrices of one marker (rows: parental allele)."""

    female: FloatMatrix
    male: FloatMatrix
    description: dict[str, object] = field(default_factory=dict)
    _trivial: bool = field(init=False, repr=False)
    _lumpable: dict[bytes, bool] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        eye = np.eye(self.female.shape[0])
        object.__setattr__(self, "_trivial", bool(
            np.array_equal(self.female, eye) and np.array_equal(self.male, eye)))
        object.__setattr__(self, "_lumpable", {})

    @property
    def is_trivial(self) -> bool:
        """True when neither sex can mutate (both matrices are the identity)."""
        return self._trivial

    def lumpable(self, keep: NDArray[np.intp]) -> bool:
        """Whether the alleles outside ``keep`` lump exactly for both sexes (cached)."""
        key = np.asarray(keep, dtype=np.intp).tobytes()
        cached = self._lumpable.get(key)
        if cached is None:
            cached = is_lumpable(self.female, keep) and (
                self.male is self.female or is_lumpable(self.male, keep))
            self._lumpable[key] = cached
        return cached

    @classmethod
    def none(cls, n_alleles: int) -> MutationModel:
        """No mutation: identity matrices."""
        eye = np.eye(n_alleles)
        return cls(female=eye, male=eye, description={"model": "trivial"})


def overall_rate(matrix: FloatMatrix, frequencies: NDArray[np.float64]) -> float:
    """Expected mutation rate ``1 − Σ p_i M[i,i]`` (pedmut ``mutRate``)."""
    return float(1.0 - np.sum(np.diag(matrix) * frequencies))


def mutation_matrix(
    spec: MutationSpec,
    alleles: Sequence[str],
    frequencies: Sequence[float] | NDArray[np.float64],
    *,
    marker: str | None = None,
) -> FloatMatrix:
    """The transition matrix of ``spec`` over ``alleles`` (order kept), float64 (n, n).

    Raises :class:`MutationModelError` naming the marker and the bad value for an unknown
    model, negative rates, non-numeric alleles in a stepwise/onestep model, or an
    impossible matrix.
    """
    p = np.asarray(frequencies, dtype=np.float64)
    n = len(alleles)
    model = spec.model
    if model not in MODEL_NAMES:
        raise MutationModelError(
            f"unknown mutation model {model!r}; expected one of {', '.join(MODEL_NAMES)}",
            marker=marker, field="model", value=model,
        )
    for name in ("rate", "rate2"):
        value = getattr(spec, name)
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            raise MutationModelError(
                f"mutation {name} must be a non-negative number", marker=marker,
                field=name, value=value,
            )
    if model == "stepwise" and not (math.isfinite(spec.range) and spec.range > 0):
        raise MutationModelError("stepwise range must be positive", marker=marker,
                                 field="range", value=spec.range)
    if model == "stepwise" and spec.rate + spec.rate2 > 1:
        raise MutationModelError("rate + rate2 must be at most 1", marker=marker,
                                 field="rate", value=spec.rate + spec.rate2)
    if model != "custom" and spec.rate > 1:
        raise MutationModelError("mutation rate must be at most 1", marker=marker,
                                 field="rate", value=spec.rate)

    if model == "custom":
        if spec.matrix is None:
            raise MutationModelError("custom model needs a matrix", marker=marker,
                                     field="matrix", value=None)
        mat = np.asarray(spec.matrix, dtype=np.float64)
        _check_stochastic(mat, n, marker)
    elif n <= 1 or model == "trivial":
        mat = np.eye(n)
    elif model == "equal":
        mat = np.full((n, n), spec.rate / (n - 1))
        np.fill_diagonal(mat, 1.0 - spec.rate)
    elif model == "proportional":
        alpha = spec.rate / float(np.sum(p * (1.0 - p)))
        mat = (1.0 - alpha) * np.eye(n) + alpha * np.tile(p, (n, 1))
        if np.any(mat > 1) or np.any(mat < 0):
            raise MutationModelError("impossible proportional matrix; reduce the rate",
                                     marker=marker, field="rate", value=spec.rate)
    elif model == "onestep":
        values = _numeric_alleles(alleles, marker, model)
        if np.any(np.round(values) != values):
            raise MutationModelError("the onestep model needs integer alleles",
                                     marker=marker, field="alleles", value=list(alleles))
        mat = np.zeros((n, n))
        for i in range(n):
            neighbours = np.abs(values - values[i]) == 1
            k = int(neighbours.sum())
            mat[i, i] = 1.0 - spec.rate if k > 0 else 1.0
            if k:
                mat[i, neighbours] = spec.rate / k
    else:  # stepwise
        mat = _stepwise(spec, _numeric_alleles(alleles, marker, model), marker, alleles)

    if spec.transform is not None:
        mat = _transform(mat, p, spec.transform, marker)
    return mat


def extend_matrix(given: FloatMatrix, n_total: int,
                  model: FloatMatrix | None = None) -> FloatMatrix:
    """``given`` (over the first ``n`` of ``n_total`` alleles) extended to all of them.

    For a listed allele ``i``: ``R[i, :n] = given[i] · (1 − Σ_a model[i, a])`` and
    ``R[i, a] = model[i, a]`` for each added allele ``a``; the added alleles' rows are
    ``model``'s. ``model`` is the ``n_total × n_total`` matrix of the marker's named model
    over the full allele list, or ``None`` for the identity (module docstring).
    """
    n = given.shape[0]
    full = np.eye(n_total) if model is None else np.asarray(model, dtype=np.float64)
    if given.shape != (n, n) or full.shape != (n_total, n_total) or n_total < n:
        raise MutationModelError("cannot extend the matrix: sizes do not match",
                                 field="matrix", value=[list(given.shape), list(full.shape)])
    out = np.zeros((n_total, n_total), dtype=np.float64)
    to_added = full[:n, n:]
    out[:n, :n] = given * (1.0 - to_added.sum(axis=1))[:, None]
    out[:n, n:] = to_added
    out[n:, :] = full[n:, :]
    return out


def _numeric_alleles(alleles: Sequence[str], marker: str | None, model: str) -> FloatMatrix:
    # pedmut reads allele names with as.numeric(); float() is the same reading.
    values = []
    for a in alleles:
        try:
            values.append(float(a))
        except ValueError:
            raise MutationModelError(
                f"the {model} model needs numeric allele names", marker=marker,
                field="alleles", value=a,
            ) from None
    return np.asarray(values, dtype=np.float64)


def _stepwise(
    spec: MutationSpec, values: FloatMatrix, marker: str | None, alleles: Sequence[str]
) -> FloatMatrix:
    if np.any(np.round(values, 1) != values):
        raise MutationModelError("microvariants must have one decimal", marker=marker,
                                 field="alleles", value=list(alleles))
    n = len(values)
    # The group is the decimal digit, rounded: comparing raw floating-point differences
    # would split 9.3 and 16.3 into different groups (pedmut ≥ 0.7 rounds too).
    group = np.round((values - np.round(values)) * 10.0)
    mat = np.zeros((n, n))
    for i in range(n):
        compatible = group == group[i]
        n_compat = int(compatible.sum())
        for j in range(n):
            if i == j:
                if n_compat == n:
                    mat[i, j] = 1.0 - spec.rate
                elif n_compat == 1:
                    mat[i, j] = 1.0 - spec.rate2
                else:
                    mat[i, j] = 1.0 - spec.rate - spec.rate2
            elif compatible[j]:
                mat[i, j] = spec.range ** abs(values[i] - values[j])
            else:
                mat[i, j] = spec.rate2 / (n - n_compat)
        compatible[i] = False
        if compatible.any():
            row = mat[i, compatible]
            mat[i, compatible] = row / row.sum() * spec.rate
    return mat


def _transform(mat: FloatMatrix, p: NDArray[np.float64], method: str,
               marker: str | None) -> FloatMatrix:
    n = mat.shape[0]
    if method not in TRANSFORMS:
        raise MutationModelError(
            f"unknown transform {method!r}; expected one of {', '.join(TRANSFORMS)}",
            marker=marker, field="transform", value=method,
        )
    if method == "PM":
        eye = np.eye(n)
        diag = np.diag(mat)
        total = 1.0 - float(np.sum(diag * p))
        system = mat.T - eye
        system[n - 1, :] = 1.0
        rhs = np.zeros(n)
        rhs[n - 1] = 1.0
        v = np.linalg.solve(system, rhs)
        d = total * v / ((1.0 - float(np.sum(diag * v))) * p)
        if np.any(d * (1.0 - diag) > 1):
            raise MutationModelError("PM stabilisation does not exist for this model",
                                     marker=marker, field="transform", value=method)
        return np.asarray(d[:, None] * (mat - eye) + eye, dtype=np.float64)
    flow = mat * p[:, None]  # p_i M[i,j]
    flow_t = flow.T
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "MH":
            out = mat * np.minimum(1.0, flow_t / flow)
        elif method == "BA":
            out = mat * flow_t / (flow + flow_t)
        else:  # PR
            if np.any(flow.sum(axis=0) > p * (1 + 2 * np.diag(mat))):
                raise MutationModelError("the PR transform is not defined for this model",
                                         marker=marker, field="transform", value=method)
            out = (flow + flow_t) / (2.0 * p[:, None])
    if method != "PR":
        out[mat == 0] = 0.0
    np.fill_diagonal(out, 0.0)
    np.fill_diagonal(out, 1.0 - out.sum(axis=1))
    if method != "PR":
        rate = overall_rate(mat, p)
        current = overall_rate(out, p)
        if current < math.sqrt(np.finfo(float).eps):
            raise MutationModelError("cannot adjust the rate of a model with rate 0",
                                     marker=marker, field="transform", value=method)
        a = rate / current
        if a > 1.0 / (1.0 - float(np.min(np.diag(out)))):
            raise MutationModelError("the rate cannot be preserved by this transform",
                                     marker=marker, field="transform", value=method)
        out = a * out + (1.0 - a) * np.eye(n)
    return np.asarray(out, dtype=np.float64)


def _check_stochastic(mat: FloatMatrix, n: int, marker: str | None) -> None:
    if mat.shape != (n, n):
        raise MutationModelError(f"mutation matrix must be {n}×{n}", marker=marker,
                                 field="matrix", value=list(mat.shape))
    if not np.all(np.isfinite(mat)) or np.any(mat < 0) or np.any(mat > 1):
        raise MutationModelError("mutation matrix entries must lie in [0, 1]",
                                 marker=marker, field="matrix", value=None)
    sums = mat.sum(axis=1)
    if np.any(np.abs(sums - 1.0) > 1e-3):
        bad = int(np.argmax(np.abs(sums - 1.0)))
        raise MutationModelError(f"mutation matrix row {bad} does not sum to 1",
                                 marker=marker, field="matrix", value=float(sums[bad]))


def is_lumpable(matrix: FloatMatrix, keep: NDArray[np.intp], *, rtol: float = 1e-12) -> bool:
    """Whether the alleles outside ``keep`` form one strongly lumpable block.

    Kemeny–Snell strong lumpability: every allele of the lump has the same probability
    of mutating to each kept allele (and hence to the lump). Then likelihoods computed on
    the lumped chain are exact.
    """
    n = matrix.shape[0]
    rest = np.setdiff1d(np.arange(n), keep)
    if rest.size <= 1:
        return True
    sub = matrix[np.ix_(rest, keep)]
    scale = max(float(np.max(np.abs(sub))), 1e-300) if sub.size else 1.0
    return bool(np.all(np.abs(sub - sub[0:1, :]) <= rtol * scale))


def lump_matrix(matrix: FloatMatrix, keep: NDArray[np.intp]) -> FloatMatrix:
    """Matrix over ``keep`` + one lump (last), for a lumpable partition."""
    n = matrix.shape[0]
    rest = np.setdiff1d(np.arange(n), keep)
    k = keep.size
    if rest.size == 0:
        return np.asarray(matrix[np.ix_(keep, keep)], dtype=np.float64)
    out = np.empty((k + 1, k + 1))
    out[:k, :k] = matrix[np.ix_(keep, keep)]
    out[:k, k] = matrix[np.ix_(keep, rest)].sum(axis=1)
    out[k, :k] = matrix[rest[0], keep]
    out[k, k] = matrix[rest[0], rest].sum()
    return out

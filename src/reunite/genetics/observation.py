"""How a sample was observed: its drop-out and drop-in probabilities (a frozen value).

A degraded sample (remains, old stains) may lose alleles (drop-out) and gain a spurious
one (drop-in); its data at a marker is then the *observed allele set*, not a genotype:
``("a", "b")`` both seen, ``("a", "a")`` or ``("a",)`` one allele seen, ``()`` analysed
and nothing seen. :class:`DropoutModel` holds the sample's probabilities; the model they
enter is stated in :mod:`reunite.stats.dropout`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reunite.errors import InputError

__all__ = ["DropoutModel", "Observed"]

Observed = tuple[str, ...]
"""An observed allele set: the distinct alleles seen (``("a", "a")`` means ``{a}``)."""


def _check(value: object, name: str, *, upper_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value) or not (0.0 <= value < 1.0 if upper_open else 0.0 <= value <= 1.0):
        interval = "[0, 1)" if upper_open else "[0, 1]"
        raise InputError(f"{name} must be a number in {interval}", field=name, value=value)
    return float(value)


@dataclass(frozen=True)
class DropoutModel:
    """Drop-out and drop-in probabilities of one sample.

    ``dropout`` (d): each allele of a heterozygote is lost independently with probability
    d. ``dropout_homozygous`` (d_hom): a homozygote is lost whole with this probability;
    ``None`` means d². ``drop_in`` (c): at each marker one extra allele is added with
    probability c. All lie in [0, 1] (c in [0, 1)).
    """

    dropout: float
    dropout_homozygous: float | None = None
    drop_in: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "dropout", _check(self.dropout, "dropout"))
        if self.dropout_homozygous is not None:
            object.__setattr__(self, "dropout_homozygous",
                               _check(self.dropout_homozygous, "dropout_homozygous"))
        object.__setattr__(self, "drop_in", _check(self.drop_in, "drop_in", upper_open=True))

    @property
    def homozygous(self) -> float:
        """d_hom, with its default d²."""
        if self.dropout_homozygous is None:
            return self.dropout * self.dropout
        return self.dropout_homozygous

    @property
    def is_zero(self) -> bool:
        """True when nothing can drop out or in (the sample is read as a genotype)."""
        return self.dropout == 0.0 and self.homozygous == 0.0 and self.drop_in == 0.0

    def to_dict(self) -> dict[str, float]:
        """The parameters, for provenance (d_hom resolved)."""
        return {"dropout": self.dropout, "dropout_homozygous": self.homozygous,
                "drop_in": self.drop_in}

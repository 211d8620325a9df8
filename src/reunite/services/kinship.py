"""Answer a kinship case (``reunite lr``): the LRs, and what a reader needs beside them.

:func:`solve_kinship_case` computes the case exactly as the file states it
(:func:`reunite.stats.lr.kinship_lr`; the spec ``../shared/spec/kinship-case.md``): a marker
without a mutation model transmits without mutation, so a Mendelian inconsistency there is
an exclusion, LR 0. That is the spec's meaning and stays the answer.

A true relationship with one mutated allele also reads as LR 0 that way. So when the first
hypothesis is excluded at one or two markers (at most :data:`MAX_EXCLUDING_MARKERS`) and at
least one of them has no mutation model in the file, the answer also carries the LR under
the installation's default mutation model (``REUNITE_MUTATION_MODEL``,
``REUNITE_MUTATION_RATE``, ``REUNITE_MUTATION_RATE_MALE``, through
:func:`reunite.services.settings.search_settings`), applied to every marker that gives no
model (markers with their own model keep it), and a note naming the excluding markers and
the model. Three or more exclusions are left as they are: that is evidence against the
hypothesis, not a mutation.

:func:`answer_json` is the output object of ``reunite lr``: the spec's keys (by
:func:`reunite.io.kinship_case.result_json`), ``notes`` (the reader's and these), and
``lr_with_default_mutation`` = ``{"mutation", "markers", "lr", "total_lr",
"log10_total_lr"}`` when it was computed (the LR keys shaped as the main ones).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from reunite.errors import ReuniteError
from reunite.io.kinship_case import KinshipCase, result_json
from reunite.search.settings import SearchSettings
from reunite.stats.lr import LRResult, kinship_lr

__all__ = ["MAX_EXCLUDING_MARKERS", "KinshipAnswer", "answer_json", "solve_kinship_case"]

MAX_EXCLUDING_MARKERS = 2
"""With at most this many excluding markers the LR under the default mutation model is
given beside LR 0 (one or two inconsistencies are what a mutation or two look like)."""


@dataclass(frozen=True)
class KinshipAnswer:
    """One case answered: the LRs as the file states them, and the extras.

    ``excluding_markers``: markers where the first hypothesis is impossible (LR 0 against
    some other hypothesis). ``with_default_mutation``: the LRs with the installation's
    default mutation model on ``default_mutation_markers`` (``None`` when not computed).
    ``notes``: the case reader's notes, then this use case's.
    """

    case: KinshipCase
    result: LRResult
    excluding_markers: tuple[str, ...]
    with_default_mutation: LRResult | None = None
    default_mutation: dict[str, Any] | None = None
    default_mutation_markers: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def _excluding_markers(result: LRResult) -> tuple[str, ...]:
    numerator = result.log_likelihoods[result.numerator]
    return tuple(
        m for m in result.markers
        if numerator[m] == -math.inf and any(
            result.log_likelihoods[d][m] > -math.inf for d in result.denominators))


def _describe(mutation: dict[str, Any]) -> str:
    parts = []
    for sex in ("female", "male"):
        spec = mutation.get(sex)
        if spec is None:
            parts.append(f"{sex}: none")
        else:
            params = ", ".join(f"{k} {v}" for k, v in spec.items() if k != "model")
            parts.append(f"{sex}: {spec['model']}" + (f" ({params})" if params else ""))
    return "; ".join(parts)


def solve_kinship_case(case: KinshipCase, *, settings: SearchSettings | None
                       ) -> KinshipAnswer:
    """Answer ``case`` (module docstring); ``settings`` gives the default mutation model.

    ``settings=None`` computes only the LRs the file states (no default-model comparison).
    """
    result = kinship_lr(case.hypotheses, case.markers, case.genotypes, theta=case.theta,
                        case_id=case.id, dropout=case.dropout)
    excluding = _excluding_markers(result)
    answer = KinshipAnswer(case=case, result=result, excluding_markers=excluding,
                           notes=case.notes)
    if settings is None or not 0 < len(excluding) <= MAX_EXCLUDING_MARKERS:
        return answer
    by_name = {m.name: m for m in case.markers}
    names = ", ".join(excluding)
    head = (f"hypothesis {result.numerator!r} is excluded (LR 0) at "
            f"{len(excluding)} marker{'s' if len(excluding) > 1 else ''}: {names}")
    if all(by_name[m].mutation is not None for m in excluding):
        return replace(answer, notes=(*case.notes, head + ", with the file's own mutation "
                                      "model there"))
    if not settings.has_mutation:
        return replace(answer, notes=(*case.notes, head + ", which give no mutation model; "
                                      "the installation has no default mutation model "
                                      "(REUNITE_MUTATION_MODEL=none) to compare with"))
    markers = []
    defaulted: list[str] = []
    failed: list[str] = []
    for marker in case.markers:
        if marker.mutation is not None:
            markers.append(marker)
            continue
        try:
            model = settings.mutation_model(marker.name, marker.alleles, marker.frequencies)
        except ReuniteError as exc:
            failed.append(f"{marker.name} ({exc.message})")
            markers.append(marker)
            continue
        markers.append(replace(marker, mutation=model))
        defaulted.append(marker.name)
    other = kinship_lr(case.hypotheses, markers, case.genotypes, theta=case.theta,
                       case_id=case.id, dropout=case.dropout)
    description = settings.mutation_description()
    note = (head + ", which give no mutation model: LR 0 as the case states it; "
            "lr_with_default_mutation gives the LR under the installation's default "
            f"mutation model ({_describe(description)}) on the markers without one")
    notes = [note]
    if failed:
        notes.append("the default mutation model does not apply at " + ", ".join(failed)
                     + "; those markers keep no mutation")
    return replace(answer, with_default_mutation=other, default_mutation=description,
                   default_mutation_markers=tuple(defaulted), notes=(*case.notes, *notes))


def answer_json(answer: KinshipAnswer) -> dict[str, Any]:
    """The ``reunite lr`` output object of one answer (module docstring)."""
    out = result_json(answer.case, answer.result)
    if answer.notes:
        out["notes"] = list(answer.notes)
    if answer.with_default_mutation is not None:
        extra = result_json(answer.case, answer.with_default_mutation)
        out["lr_with_default_mutation"] = {
            "mutation": answer.default_mutation,
            "markers": list(answer.default_mutation_markers),
            **{key: extra[key] for key in ("lr", "total_lr", "log10_total_lr")},
        }
    return out

"""reunite.demo: a whole missing-persons unit, simulated and run end to end (``reunite demo``).

Above the use cases, beside the API: it drives the services exactly as a unit's staff would
(cases, consents and legal orders, lab files imported, the blind search, the candidates
scored against the simulation's truth). See :mod:`reunite.demo.pipeline`.
"""

from reunite.demo.pipeline import (
    DEMO_MARKER,
    FAMILY_SHAPES,
    DemoResult,
    FamilyShape,
    register_cases,
    register_remains,
    run_demo,
)

__all__ = ["DEMO_MARKER", "FAMILY_SHAPES", "DemoResult", "FamilyShape", "register_cases",
           "register_remains", "run_demo"]

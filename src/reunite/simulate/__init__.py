"""reunite.simulate: seeded simulation of profiles and families from frequency tables.

* :func:`simulate_unrelated`: unrelated people (Hardy–Weinberg, linkage equilibrium);
* :func:`simulate_families`: any pedigree by gene dropping, with mutation;
* :func:`degrade`: partial profiles (loci dropped);
* :func:`simulate_dropout`: profiles seen through the drop-out / drop-in model (known d);
* :data:`SCENARIOS`: named missing-person families (both parents, one sibling, ...).

Used by the tests, the benchmarks, the validation scripts and the demo. Deterministic given
the seed (a numpy ``Generator``).
"""

from reunite.simulate.families import SimulatedFamilies, simulate_families
from reunite.simulate.population import (
    ObservedProfiles,
    SimulatedProfiles,
    degrade,
    simulate_dropout,
    simulate_unrelated,
)
from reunite.simulate.scenarios import SCENARIOS, Scenario, get_scenario

__all__ = [
    "SCENARIOS",
    "ObservedProfiles",
    "Scenario",
    "SimulatedFamilies",
    "SimulatedProfiles",
    "degrade",
    "get_scenario",
    "simulate_dropout",
    "simulate_families",
    "simulate_unrelated",
]

"""reunite.simulate: seeded simulation of profiles and families from frequency tables.

* :func:`simulate_unrelated`: unrelated people (Hardy–Weinberg, linkage equilibrium);
* :func:`simulate_families`: any pedigree by gene dropping, with mutation;
* :func:`degrade`: partial profiles (loci dropped).

Used by the tests, the benchmarks, the validation scripts and the demo. Deterministic given
the seed (a numpy ``Generator``).
"""

from reunite.simulate.families import SimulatedFamilies, simulate_families
from reunite.simulate.population import SimulatedProfiles, degrade, simulate_unrelated

__all__ = [
    "SimulatedFamilies",
    "SimulatedProfiles",
    "degrade",
    "simulate_families",
    "simulate_unrelated",
]

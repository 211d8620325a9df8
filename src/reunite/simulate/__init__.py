"""reunite.simulate: seeded simulation of profiles and families from frequency tables."""

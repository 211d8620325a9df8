"""reunite.io."""

"""reunite.governance."""

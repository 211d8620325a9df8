"""reunite.web."""

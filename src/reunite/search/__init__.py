"""reunite.search."""

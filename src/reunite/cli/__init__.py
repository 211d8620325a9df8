"""reunite.cli."""

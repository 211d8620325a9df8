"""reunite.services."""

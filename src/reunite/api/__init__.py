"""reunite.api."""

"""reunite.stats."""

"""reunite.storage."""

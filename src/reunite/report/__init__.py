"""reunite.report."""

"""reunite.genetics."""

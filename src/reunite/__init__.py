"""reunite: identify missing and unidentified people by DNA kinship, with consent.

The library API is re-exported here; everything else is an implementation detail.
"""

from reunite._version import __version__

__all__ = ["__version__"]

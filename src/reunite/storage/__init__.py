"""Storage: the only package that imports SQLAlchemy.

- :mod:`.db` — engines and sessions (SQLite WAL by default, PostgreSQL by URL);
- :mod:`.tables` — the typed ORM schema; :mod:`.migrate` and ``migrations/`` — Alembic,
  configured in code and shipped with the package;
- :mod:`.crypto` — AES-GCM envelope encryption of genotypes, master key handling;
- :mod:`.records` — the plain values repositories take and return;
- :mod:`.repositories` — repositories over one transaction and :class:`SqlStore`.

Storage knows nothing of governance: it stores what the services decided, as plain
strings, dates and bytes, and never sees a genotype in clear.
"""

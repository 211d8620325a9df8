"""Use cases: the only layer that composes governance, storage (and later search and stats).

Every function takes the acting :class:`~reunite.governance.roles.Actor`, checks its
permission here (not only in HTTP routes), and writes what it did — or refused — to the
hash-chained audit log. Modules: :mod:`.enrolment`, :mod:`.batch_import`,
:mod:`.withdrawal`, :mod:`.searching`, :mod:`.keys`, :mod:`.audit_service`.
"""

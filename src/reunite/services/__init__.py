"""Use cases: the only layer that composes governance, storage, search, io and stats.

Every function takes the acting :class:`~reunite.governance.roles.Actor`, checks its
permission here (not only in HTTP routes), and writes what it did — or refused — to the
hash-chained audit log. One module per use case: :mod:`.workspace` (the installation),
:mod:`.cases`, :mod:`.bases` (consents and legal orders), :mod:`.enrolment` (one profile),
:mod:`.importing` and :mod:`.batch_import` (lab files), :mod:`.settings` (the search
settings), :mod:`.search_gate` (search matrix, permission, audit), :mod:`.search_index`
(the index a search scans), :mod:`.searches` (every search path, candidates, search jobs),
:mod:`.family_files`, :mod:`.review`, :mod:`.reporting`, :mod:`.withdrawal`,
:mod:`.kinship`, :mod:`.auth`, :mod:`.audit_service`, :mod:`.keys`, :mod:`.oversight`,
:mod:`.jobs`.
"""

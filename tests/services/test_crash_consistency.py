"""A 10,000-profile import killed with SIGKILL leaves all of its batch or none, intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from reunite.governance.audit import verify_chain
from reunite.services.audit_service import audit_events
from reunite.storage.crypto import MasterKey
from reunite.storage.db import create_engine_for
from reunite.storage.repositories import SqlStore

N = 10_000

CHILD = textwrap.dedent('''
    import random, sys, time
    from contextlib import contextmanager
    from datetime import date
    from reunite.genetics.profile import Profile
    from reunite.governance.consent import Consent, ConsentScope
    from reunite.governance.indices import Index, PersonRole
    from reunite.governance.roles import Actor
    from reunite.services.batch_import import ImportItem, import_batch
    from reunite.services.enrolment import EnrolmentTarget, basis_to_record, new_id
    from reunite.storage import migrate
    from reunite.storage.crypto import MasterKey
    from reunite.storage.db import create_engine_for
    from reunite.storage.records import CaseRecord, PersonRecord
    from reunite.storage.repositories import SqlStore

    url, key, mode, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

    class HoldingStore(SqlStore):
        """Test double: stops inside the import transaction, before its commit."""
        @contextmanager
        def transaction(self):
            with super().transaction() as repos:
                yield repos
                if mode == "hold" and repos.profiles.count() > 0:
                    print("WRITTEN", flush=True)
                    time.sleep(120)

    engine = create_engine_for(url)
    migrate.upgrade(engine)
    store = HoldingStore(engine)
    consent = Consent("form", date(2026, 1, 1), ConsentScope(frozenset({Index.REFERENCE_FAMILY})),
                      False, date(2036, 1, 1), date(2027, 1, 1))
    case_id = new_id()
    people = [PersonRecord(new_id(), case_id, PersonRole.RELATIVE.value, f"r{i}")
              for i in range(n)]
    bases = [basis_to_record(consent, basis_id=new_id(), person_id=p.id) for p in people]
    with store.transaction() as repos:  # fixture: an opened case with its relatives
        repos.cases.add_case(CaseRecord(case_id, "MP-CRASH", date(2026, 1, 1)))
        repos.cases.add_people(people)
        repos.bases.add_many(bases)
    rng = random.Random(7)
    markers = ["D3S1358", "vWA", "D16S539", "CSF1PO", "TPOX", "D8S1179", "D21S11", "D18S51",
               "TH01", "FGA", "D5S818", "D13S317", "D7S820", "D2S1338", "D19S433"]
    items = [ImportItem(Profile.from_mapping(f"S{i}", {m: [str(rng.randint(6, 30)),
                                                           str(rng.randint(6, 30))]
                                                       for m in markers}),
                        EnrolmentTarget(p.id, b.id, "kit", "lab"))
             for i, (p, b) in enumerate(zip(people, bases))]
    print("READY", flush=True)
    import_batch(store, MasterKey.from_text(key), Actor.of("lab", ["lab-analyst"]), items,
                 batch="crash", on=date(2026, 11, 25))
    print("DONE", flush=True)
''')


def run_child(tmp_path: Path, url: str, mode: str, kill_after: float | None) -> str:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    last = ""
    with subprocess.Popen(
        [sys.executable, str(script), url, MasterKey.generate().to_text(), mode, str(N)],
        stdout=subprocess.PIPE, text=True,
    ) as child:
        assert child.stdout is not None
        try:
            for line in child.stdout:
                last = line.strip()
                if mode == "hold" and last == "WRITTEN":
                    break
                if mode == "random" and last == "READY":
                    assert kill_after is not None
                    time.sleep(kill_after)
                    break
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=120)
    return last


def check_after_restart(url: str, sqlite: bool) -> int:
    engine: Engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            if sqlite:
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            profiles = connection.execute(text("SELECT count(*) FROM profile")).scalar_one()
            keys = connection.execute(text("SELECT count(*) FROM data_key")).scalar_one()
            imports = connection.execute(text(
                "SELECT count(*) FROM audit_event WHERE action = 'import-profiles'")).scalar_one()
        with SqlStore(engine).transaction() as repos:
            events = audit_events(repos)
            head = repos.audit.head()
        verify_chain(events, head=head)
        assert profiles in (0, N)
        assert keys == profiles
        assert imports == (0 if profiles == 0 else N + 1)
        return int(profiles)
    finally:
        engine.dispose()


@pytest.mark.parametrize(("mode", "kill_after", "expected"),
                         [("hold", None, {0}), ("random", 0.5, {0, N}), ("free", None, {N})])
def test_killed_import_is_all_or_nothing(engine: Engine, tmp_path: Path, mode: str,
                                         kill_after: float | None, expected: set[int]) -> None:
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    sqlite = engine.dialect.name == "sqlite"

    if mode == "free":
        script = tmp_path / "child.py"
        script.write_text(CHILD)
        done = subprocess.run([sys.executable, str(script), url, MasterKey.generate().to_text(),
                               mode, str(N)], capture_output=True, text=True, timeout=300)
        assert done.stdout.split()[-1] == "DONE", done.stderr
    else:
        run_child(tmp_path, url, mode, kill_after)

    assert check_after_restart(url, sqlite) in expected

"""The fast event encoder gives the canonical JSON (hence the hash) of the event's content."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from reunite.governance.audit import (
    GENESIS_HASH,
    AuditEvent,
    canonical_json,
    content_bytes,
    event_hash,
    utc_text,
)

AT = datetime(2026, 11, 25, 6, 0, 1, 250, tzinfo=UTC)


@given(st.integers(min_value=1, max_value=10**12), st.text(), st.text(),
       st.none() | st.text(), st.text(), st.sampled_from(["done", "refused", "failed"]))
def test_content_bytes_is_canonical_json(seq: int, actor: str, action: str,
                                         record: str | None, reason: str,
                                         outcome: str) -> None:
    event = AuditEvent(seq, AT, actor, action, record, reason, outcome)

    fast = content_bytes(seq, utc_text(AT), actor, action, record, reason, outcome)

    assert fast == canonical_json(event.content())
    assert hashlib.sha256(GENESIS_HASH.encode() + fast).hexdigest() == event_hash(
        GENESIS_HASH, event)


def test_known_bytes() -> None:
    fast = content_bytes(7, utc_text(AT), "ann", "import-profiles", None, 'a "b"\n', "done")

    assert fast == (b'{"action":"import-profiles","actor":"ann",'
                    b'"at":"2026-11-25T06:00:01.000250+00:00","outcome":"done",'
                    b'"reason":"a \\"b\\"\\n","record":null,"seq":7}')


def test_non_plain_values_take_the_general_encoder() -> None:
    class Name(str):
        pass

    fast = content_bytes(3, utc_text(AT), Name("ann"), "x", "r", "why", "done")

    assert fast == canonical_json(AuditEvent(3, AT, "ann", "x", "r", "why").content())

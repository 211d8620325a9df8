"""The audit hash chain: hand-computed hashes and every kind of tampering."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reunite.errors import AuditChainError
from reunite.governance.audit import (
    GENESIS_HASH,
    AuditEvent,
    ChainedEvent,
    canonical_json,
    chain,
    verify_chain,
)

AT = datetime(2026, 11, 25, 4, 0, 0, tzinfo=UTC)


def build(n: int) -> list[ChainedEvent]:
    events: list[ChainedEvent] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        item = chain(prev, AuditEvent(seq, AT, "ana", "enrol-profile", f"profile:{seq}", "test"))
        events.append(item)
        prev = item.hash
    return events


class TestAuditChainExamples:
    def test_first_hash_by_hand(self) -> None:
        event = AuditEvent(1, AT, "ana", "enrol-profile", "profile:1", "consent C-1")
        text = (
            '{"action":"enrol-profile","actor":"ana","at":"2026-11-25T04:00:00.000000+00:00",'
            '"outcome":"done","reason":"consent C-1","record":"profile:1","seq":1}'
        )

        expected = hashlib.sha256(("0" * 64 + text).encode()).hexdigest()

        assert canonical_json(event.content()).decode() == text
        assert chain(GENESIS_HASH, event).hash == expected

    def test_verify_counts(self) -> None:
        assert verify_chain(build(5)) == 5
        assert verify_chain([]) == 0

    def test_naive_time_is_utc(self) -> None:
        naive = AuditEvent(1, datetime(2026, 11, 25, 4), "a", "b", None, "c")

        assert naive.at == AT


class TestAuditChainErrors:
    def test_edited(self) -> None:
        events = build(5)
        events[2] = dataclasses.replace(
            events[2], event=dataclasses.replace(events[2].event, reason="nothing to see")
        )

        with pytest.raises(AuditChainError, match="altered") as info:
            verify_chain(events)
        assert info.value.event == 3

    def test_deleted(self) -> None:
        events = build(5)
        del events[1]

        with pytest.raises(AuditChainError) as info:
            verify_chain(events)
        assert info.value.event == 3

    def test_reordered(self) -> None:
        events = build(5)
        events[1], events[3] = events[3], events[1]

        with pytest.raises(AuditChainError) as info:
            verify_chain(events)
        assert info.value.event == 4

    def test_rehashed_with_wrong_seq(self) -> None:
        # An attacker who recomputes hashes but renumbers is still caught by the sequence.
        events = build(2)
        forged = chain(events[0].hash, dataclasses.replace(events[1].event, seq=7))

        with pytest.raises(AuditChainError, match="out of sequence"):
            verify_chain([events[0], forged])

    def test_truncated_tail_detected_with_head(self) -> None:
        events = build(5)

        with pytest.raises(AuditChainError, match="head") as info:
            verify_chain(events[:4], head=events[4].hash)
        assert info.value.event == 4
        assert verify_chain(events, head=events[4].hash) == 5


@given(st.integers(min_value=2, max_value=12), st.data())
def test_any_single_edit_is_named(n: int, data: st.DataObject) -> None:
    events = build(n)
    k = data.draw(st.integers(min_value=0, max_value=n - 1))
    new_reason = data.draw(st.text(max_size=8).filter(lambda s: s != "test"))
    events[k] = dataclasses.replace(
        events[k], event=dataclasses.replace(events[k].event, reason=new_reason)
    )

    assert events[k].event.reason != "test"
    with pytest.raises(AuditChainError) as info:
        verify_chain(events)
    assert info.value.event == k + 1

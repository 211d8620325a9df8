"""Audit events and their hash chain: tamper evidence for who did what, to which record, why.

Each stored event carries ``prev_hash`` (the previous event's hash, 64 zeros for the first)
and ``hash = sha256(prev_hash + canonical JSON of its own content)``, as in a Merkle-style
linked log (Crosby & Wallach's tamper-evident logging, reduced to a linear chain). Editing
an event changes its hash; deleting one breaks its successor's ``prev_hash``; reordering
breaks both. :func:`verify_chain` walks the chain and names the first event that fails.
Events never carry genotypes: only identifiers, names and reasons.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from json.encoder import encode_basestring

from reunite.errors import AuditChainError

__all__ = [
    "GENESIS_HASH",
    "AuditEvent",
    "ChainedEvent",
    "canonical_json",
    "chain",
    "content_bytes",
    "event_hash",
    "utc_text",
    "verify_chain",
]

GENESIS_HASH = "0" * 64


@lru_cache(maxsize=64)
def utc_text(at: datetime) -> str:
    """``at`` as hashed: ISO 8601 in UTC with microseconds (a naive time is taken as UTC)."""
    # Cached: a batch writes thousands of events with the same timestamp.
    return at.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class AuditEvent:
    """One thing that happened: who, what, which record, when, why, and how it ended.

    ``seq`` is the event's position in the chain (1, 2, ...). ``at`` is an aware UTC time.
    ``outcome`` is ``"done"``, ``"refused"`` or ``"failed"``.
    """

    seq: int
    at: datetime
    actor: str
    action: str
    record: str | None
    reason: str
    outcome: str = "done"

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            object.__setattr__(self, "at", self.at.replace(tzinfo=UTC))

    def content(self) -> dict[str, object]:
        """The fields covered by the hash, as JSON-ready values."""
        return {
            "seq": self.seq,
            "at": utc_text(self.at),
            "actor": self.actor,
            "action": self.action,
            "record": self.record,
            "reason": self.reason,
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class ChainedEvent:
    """An event with its place in the chain."""

    event: AuditEvent
    prev_hash: str
    hash: str


# One encoder for every call: json.dumps with options builds a new encoder each time,
# which cost as much as the encoding of a small audit event.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: object) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same bytes on every platform (RFC 8785 style)."""
    return _CANONICAL.encode(value).encode()


def content_bytes(seq: int, at_text: str, actor: str, action: str, record: str | None,
                  reason: str, outcome: str) -> bytes:
    """``canonical_json`` of an event's :meth:`AuditEvent.content`, built by string joins.

    The batch-import hot path writes one event per profile; formatting the seven fields
    into the sorted-key template is a third of the cost of encoding a dict. Fields of
    other types than plain ``int``/``str`` take the general encoder, so the bytes (and
    hashes) are always those of :func:`canonical_json`. ``at_text`` is :func:`utc_text`.
    """
    if (type(seq) is not int or type(at_text) is not str or type(actor) is not str
            or type(action) is not str or type(reason) is not str
            or type(outcome) is not str or (record is not None and type(record) is not str)):
        return canonical_json({"seq": seq, "at": at_text, "actor": actor, "action": action,
                               "record": record, "reason": reason, "outcome": outcome})
    return (f'{{"action":{encode_basestring(action)},"actor":{encode_basestring(actor)},'
            f'"at":{encode_basestring(at_text)},"outcome":{encode_basestring(outcome)},'
            f'"reason":{encode_basestring(reason)},'
            f'"record":{"null" if record is None else encode_basestring(record)},'
            f'"seq":{seq}}}').encode()


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    """``sha256(prev_hash + canonical_json(content))`` as lower-case hex."""
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(event.content())).hexdigest()


def chain(prev_hash: str, event: AuditEvent) -> ChainedEvent:
    """Link ``event`` after the event whose hash is ``prev_hash``."""
    return ChainedEvent(event, prev_hash, event_hash(prev_hash, event))


def verify_chain(events: Iterable[ChainedEvent], *, head: str | None = None) -> int:
    """Check the chain in storage order; return how many events it holds.

    Raises :class:`AuditChainError` naming (``event=``) the sequence number of the first
    event that was edited, follows a deleted event, or is out of order. When ``head`` (the
    last hash recorded separately) is given, a truncated tail is detected too.
    """
    prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for item in events:
        seq = item.event.seq
        if item.prev_hash != prev:
            raise AuditChainError(
                f"audit event {seq} does not follow event {expected_seq - 1}: an event before "
                "it was deleted, inserted or reordered", event=seq,
            )
        if event_hash(item.prev_hash, item.event) != item.hash:
            raise AuditChainError(
                f"audit event {seq} was altered: its content no longer matches its hash",
                event=seq,
            )
        if seq != expected_seq:
            raise AuditChainError(
                f"audit event {seq} is out of sequence (expected {expected_seq})", event=seq
            )
        prev = item.hash
        expected_seq += 1
        count += 1
    if head is not None and head != prev:
        raise AuditChainError(
            f"the audit log ends at event {expected_seq - 1} but the recorded head differs: "
            "events after it were deleted",
            event=expected_seq - 1,
        )
    return count

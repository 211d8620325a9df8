"""The curated ``reunite.io`` API: every exported name exists and is sorted."""

from __future__ import annotations

import reunite.io


def test_all__sorted_and_present() -> None:
    assert list(reunite.io.__all__) == sorted(reunite.io.__all__)
    assert all(hasattr(reunite.io, name) for name in reunite.io.__all__)

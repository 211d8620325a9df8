"""Fuzzing every lab-file parser: random and mutated bytes give a result or a typed error.

No input may crash a reader with anything but a :class:`~reunite.errors.ReuniteError`, or
hang (each example has a deadline), or use much memory (a large hostile input is measured
with tracemalloc). Seeds are simulated valid files of each format, then mutated.
"""

from __future__ import annotations

import codecs
import contextlib
import tracemalloc
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cmf import LAWFUL
from test_familias import ONE, _fam
from test_genemapper import SIMULATED
from test_ped import TRIO

from reunite.errors import ReuniteError
from reunite.io.cmf import read_cmf
from reunite.io.detect import detect_format
from reunite.io.familias import read_familias, read_familias_frequencies
from reunite.io.genemapper import read_genemapper
from reunite.io.ped import read_ped

FREQUENCIES = b"TH01\n6\t0.25\n7\t0.25\n9.3\t0.5\n\nPenta E\n5\t0.5\n24\t0.5\n"


def _genemapper(data: bytes) -> object:
    return read_genemapper(data, skip_bad=True)


def _cmf(data: bytes) -> object:
    return read_cmf(data, skip_bad=True)


def _ped(data: bytes) -> object:
    return read_ped(data, skip_bad=True)


def _familias(data: bytes) -> object:
    return read_familias(data, skip_bad=True)


def _frequencies(data: bytes) -> object:
    return read_familias_frequencies(data)


def _detect(data: bytes) -> object:
    return detect_format(data)


READERS: list[tuple[str, Callable[[bytes], object], bytes]] = [
    ("genemapper", _genemapper, SIMULATED.encode()),
    ("genemapper-utf16", _genemapper, codecs.BOM_UTF16_LE + SIMULATED.encode("utf-16-le")),
    ("cmf", _cmf, LAWFUL),
    ("ped", _ped, TRIO.encode()),
    ("familias", _familias, _fam(ONE)),
    ("familias-frequencies", _frequencies, FREQUENCIES),
    ("detect", _detect, SIMULATED.encode()),
]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` with 1–4 random edits: delete, insert, replace, duplicate or truncate."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        size = draw(st.integers(1, 16))
        kind = draw(st.sampled_from(["delete", "insert", "replace", "duplicate", "truncate"]))
        if kind == "delete":
            del data[at:at + size]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=size))
        elif kind == "replace":
            data[at:at + size] = draw(st.binary(min_size=1, max_size=size))
        elif kind == "duplicate":
            data[at:at] = data[at:at + size * 8]
        else:
            del data[at:]
    return bytes(data)


def _call(reader: Callable[[bytes], object], data: bytes) -> None:
    # Any other exception fails the test; a typed error is an accepted outcome.
    with contextlib.suppress(ReuniteError):
        reader(data)


@pytest.mark.parametrize(("name", "reader", "seed"), READERS, ids=[r[0] for r in READERS])
class TestFuzzReaders:
    @settings(max_examples=150, deadline=2000,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def test_mutated_valid_file__typed_error_or_result(
        self, name: str, reader: Callable[[bytes], object], seed: bytes, data: st.DataObject
    ) -> None:
        _call(reader, data.draw(mutated(seed)))

    @settings(max_examples=100, deadline=2000)
    @given(blob=st.binary(max_size=2048))
    def test_random_bytes__typed_error_or_result(
        self, name: str, reader: Callable[[bytes], object], seed: bytes, blob: bytes
    ) -> None:
        _call(reader, blob)

    @settings(max_examples=60, deadline=2000)
    @given(text=st.text(max_size=600))
    def test_random_text_after_a_valid_header__typed_error_or_result(
        self, name: str, reader: Callable[[bytes], object], seed: bytes, text: str
    ) -> None:
        head = seed[: seed.find(b"\n") + 1] if b"\n" in seed else seed
        _call(reader, head + text.encode("utf-8", errors="surrogatepass"))

    def test_large_hostile_input__bounded_memory(
        self, name: str, reader: Callable[[bytes], object], seed: bytes
    ) -> None:
        # 4 MB: the seed's first line, then one enormous line, then many repeated lines.
        head = seed[: seed.find(b"\n") + 1]
        data = head + b"9" * 2_000_000 + b"\n" + seed[len(head):] * (2_000_000 // len(seed))
        tracemalloc.start()
        try:
            _call(reader, data)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

        assert peak < 512 * 2**20

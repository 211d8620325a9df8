"""``reunite serve`` in a subprocess on a free loopback port, for API and browser tests."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from support.shared_paths import REUNITE


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(env: Mapping[str, str], log_path: Path, *, ready_path: str,
           extra_args: tuple[str, ...] = ()) -> Iterator[str]:
    """Run ``reunite serve`` until the block ends; yield its base URL once ``ready_path``
    answers 200. The server's output goes to ``log_path``; a server that exits or is not
    ready within 60 s raises with that log."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [REUNITE, "serve", "--host", "127.0.0.1", "--port", str(port), *extra_args],
            stdout=log, stderr=subprocess.STDOUT, env=dict(env))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}{ready_path}", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start:\n" + log_path.read_text())
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

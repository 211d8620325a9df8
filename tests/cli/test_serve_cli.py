"""``reunite serve`` starts the API on the data directory and answers /health and /docs."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx

from reunite.config import load_settings
from reunite.genetics.frequencies import FrequencyTable
from reunite.services.workspace import prepare_data_dir
from support.shared_paths import REUNITE


def test_serve__answers_health_and_docs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REUNITE_")}
    settings = load_settings({"REUNITE_DATA_DIR": str(tmp_path)})
    store, _, _ = prepare_data_dir(settings, frequencies=FrequencyTable(
        "SYNTHETIC serve test", {"TH01": {"6": 0.5, "7": 0.5}}))
    store.engine.dispose()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([REUNITE, "serve", "--data-dir", str(tmp_path), "--port",
                                str(port)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        health = None
        while health is None and time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
            except httpx.TransportError:
                time.sleep(0.2)
        docs = httpx.get(f"http://127.0.0.1:{port}/docs", timeout=5)
        schema = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).json()
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)

    assert health is not None, output
    assert health.status_code == 200, output
    assert health.json()["database"] == "sqlite"
    assert docs.status_code == 200
    assert "/candidates/{candidate_id}/decisions" in schema["paths"]


def test_serve__uninitialised_data_dir_is_a_configuration_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REUNITE_")}

    done = subprocess.run([REUNITE, "serve", "--data-dir", str(tmp_path / "none")], env=env,
                          capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 7
    assert "no master key" in done.stderr
    assert "Traceback" not in done.stderr

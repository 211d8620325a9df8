"""Load test of the REST API over loopback: candidate listing and pedigree screens.

Builds a throw-away installation (temporary data directory, SQLite): one missing-person
case with both parents typed, ``--profiles`` unidentified remains (default 1,000,000; one
of them is the missing person), candidates from a first screen; starts ``reunite serve``
on 127.0.0.1 and drives it with a bounded asyncio httpx client:

* candidate listing: ``--concurrency`` clients calling ``GET /candidates`` for
  ``--seconds``;
* pedigree screen: ``--screen-concurrency`` clients each submitting ``POST /searches``
  (kind screen) and polling its job until done, for ``--seconds``; latency is submit to
  done. The first screen (which builds the in-memory index, decrypting every profile once)
  is timed apart as the warm-up.

Stops by itself (server terminated, directory removed) and prints one JSON object on its
last stdout line: requests/s, p50 and p99 latency (ms) of both workloads, set-up times.

    python benchmarks/load_api.py --profiles 1000000 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from reunite.config import load_settings
from reunite.demo import FAMILY_SHAPES, register_cases, register_remains
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.kits import get_kit
from reunite.genetics.profile import Genotype, Profile
from reunite.governance.roles import Actor, Role
from reunite.io.frequencies import read_nist_1036_frequencies
from reunite.search.settings import DEFAULT_MUTATION
from reunite.services import auth
from reunite.services.batch_import import ImportItem, import_batch
from reunite.services.enrolment import EnrolmentTarget
from reunite.services.workspace import prepare_data_dir
from reunite.simulate import simulate_families, simulate_unrelated

REUNITE = str(Path(sys.executable).parent / "reunite")
PASSWORD = "load-test-password"
NIST = (Path(__file__).resolve().parents[2] / "shared" / "data" / "nist-1036-us-population"
        / "nist1036_allele_frequencies.csv")
CHUNK = 50_000


def _table() -> FrequencyTable:
    if NIST.is_file():
        return read_nist_1036_frequencies(NIST, population="All")
    rng = np.random.default_rng(1)
    markers = get_kit("CODIS").markers
    return FrequencyTable("SYNTHETIC (made-up frequencies)",
                          {m: {str(8 + i): float(w) for i, w in
                               enumerate(rng.uniform(0.2, 1.0, 10))} for m in markers})


_GENOTYPES: dict[tuple[str, str], Genotype] = {}


def _genotype(a: str, b: str) -> Genotype:
    # Frozen values that repeat across a million profiles: parse each pair once.
    found = _GENOTYPES.get((a, b))
    if found is None:
        found = _GENOTYPES[(a, b)] = Genotype(a, b)
    return found


def _profiles(ids: list[str], sims: Any) -> list[Profile]:
    return [Profile(pid, {m: _genotype(a, b) for m, (a, b) in
                          sims.genotype_texts(r).items()}) for r, pid in enumerate(ids)]


def build(data_dir: Path, n_profiles: int) -> dict[str, Any]:
    """The installation: users, one case, ``n_profiles`` remains; returns set-up timings."""
    started = time.perf_counter()
    settings = load_settings({"REUNITE_DATA_DIR": str(data_dir)})
    table = _table()
    store, master, _ = prepare_data_dir(settings, frequencies=table)
    auth.create_first_admin(store, username="admin", password=PASSWORD)
    admin = Actor.of("admin", [Role.ADMIN])
    auth.create_user(store, admin, username="lab", password=PASSWORD,
                     roles=[Role.LAB_ANALYST, Role.REVIEWER])
    markers = [m for m in get_kit("CODIS").markers if m in table.markers]
    setup = Actor.of("setup", [Role.CASE_WORKER, Role.LAB_ANALYST])
    today = datetime.now(UTC).date()
    shape = FAMILY_SHAPES[0]
    [(case_id, reference, ids)] = register_cases(store, setup, [shape], today)
    family = simulate_families(shape.pedigree, table, markers=markers,
                               mutation=DEFAULT_MUTATION, seed=5)
    with store.transaction() as repos:
        bases = repos.bases.for_persons([ids[p] for p in shape.typed])
    import_batch(store, master, setup, [ImportItem(
        Profile(f"{reference}/{p}", {m: Genotype(a, b) for m, (a, b) in
                                     family.genotype_texts(0, p).items()}),
        EnrolmentTarget(ids[p], bases[ids[p]][0].id, "CODIS", "load"))
        for p in shape.typed], batch="family")
    registered = time.perf_counter()
    people = register_remains(store, setup, [f"LT-{n:07d}" for n in range(n_profiles)], today)
    registered = time.perf_counter() - registered
    imported = time.perf_counter()
    for start in range(0, n_profiles, CHUNK):
        chunk = people[start:start + CHUNK]
        if start == 0:
            sims = family.person(shape.missing).select([0])
            profiles = _profiles([chunk[0][0]], sims)
            rest = simulate_unrelated(table, len(chunk) - 1, markers=markers, seed=start + 9)
            profiles += _profiles([p for p, _ in chunk[1:]], rest)
        else:
            sims = simulate_unrelated(table, len(chunk), markers=markers, seed=start + 9)
            profiles = _profiles([p for p, _ in chunk], sims)
        import_batch(store, master, setup, [
            ImportItem(profile, EnrolmentTarget(person, basis, "CODIS", "load"))
            for profile, (person, basis) in zip(profiles, chunk, strict=True)],
            batch=f"load-{start}")
    store.engine.dispose()
    return {"case": reference, "case_id": case_id, "frequency_table": table.name,
            "setup_seconds": round(time.perf_counter() - started, 1),
            "register_seconds": round(registered, 1),
            "import_seconds": round(time.perf_counter() - imported, 1)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stats(latencies: list[float], seconds: float) -> dict[str, Any]:
    if not latencies:
        return {"requests": 0}
    ms = np.array(latencies) * 1000.0
    return {"requests": len(latencies), "requests_per_second": round(len(latencies) / seconds, 2),
            "p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p99_ms": round(float(np.percentile(ms, 99)), 1)}


async def _screen(client: httpx.AsyncClient, case: str) -> float:
    started = time.perf_counter()
    r = await client.post("/searches", json={"kind": "screen", "case": case,
                                             "target_indices": ["unidentified-remains"]})
    r.raise_for_status()
    job = r.json()
    while job["status"] not in ("done", "failed"):
        await asyncio.sleep(0.01)
        job = (await client.get(f"/jobs/{job['id']}")).json()
    if job["status"] != "done":
        raise RuntimeError(f"screen failed: {job['error']}")
    return time.perf_counter() - started


async def drive(url: str, case: str, seconds: float, concurrency: int,
                screen_concurrency: int) -> dict[str, Any]:
    """Log in, warm up, then run both workloads for ``seconds`` each."""
    async with httpx.AsyncClient(base_url=url, timeout=600) as anonymous:
        r = await anonymous.post("/auth/token", data={"username": "lab", "password": PASSWORD})
        r.raise_for_status()
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    limits = httpx.Limits(max_connections=concurrency + screen_concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=600, headers=headers,
                                 limits=limits) as client:
        warm_up = await _screen(client, case)

        async def listing_worker(until: float, out: list[float]) -> None:
            while time.perf_counter() < until:
                started = time.perf_counter()
                response = await client.get("/candidates", params={"limit": 20})
                response.raise_for_status()
                out.append(time.perf_counter() - started)

        async def screen_worker(until: float, out: list[float]) -> None:
            while time.perf_counter() < until:
                out.append(await _screen(client, case))

        listing: list[float] = []
        start = time.perf_counter()
        await asyncio.gather(*(listing_worker(start + seconds, listing)
                               for _ in range(concurrency)))
        listing_elapsed = time.perf_counter() - start
        screens: list[float] = []
        start = time.perf_counter()
        await asyncio.gather(*(screen_worker(start + seconds, screens)
                               for _ in range(screen_concurrency)))
        screen_elapsed = time.perf_counter() - start
    return {"warm_up_screen_seconds": round(warm_up, 2),
            "candidate_listing": {**_stats(listing, listing_elapsed),
                                  "concurrency": concurrency},
            "pedigree_screen": {**_stats(screens, screen_elapsed),
                                "concurrency": screen_concurrency}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--screen-concurrency", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="reunite-load-"))
    process: subprocess.Popen[bytes] | None = None
    try:
        setup = build(tmp / "data", args.profiles)
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("REUNITE_")}
        env["REUNITE_DATA_DIR"] = str(tmp / "data")
        process = subprocess.Popen(
            [REUNITE, "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level",
             "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        figures = asyncio.run(drive(url, setup["case"], args.seconds, args.concurrency,
                                    args.screen_concurrency))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps({"benchmark": "load_api", "profiles": args.profiles, **setup,
                      **figures}))


if __name__ == "__main__":
    main()

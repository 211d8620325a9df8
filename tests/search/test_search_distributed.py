"""Sharded search on a Dask LocalCluster of two workers equals the single-process engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from reunite.errors import PurposeNotPermitted
from reunite.genetics.frequencies import FrequencyTable
from reunite.genetics.pedigree import nuclear_family
from reunite.search.blind import blind_search_families
from reunite.search.direct import direct_match, exact_match
from reunite.search.distributed import ShardedIndex
from reunite.search.matrix import ProfileMatrix
from reunite.search.screen import FamilyCase, screen_family
from reunite.search.settings import SearchSettings
from reunite.simulate import degrade, simulate_families, simulate_unrelated
from support.searching import settings_for

distributed = pytest.importorskip("distributed")

pytestmark = [
    # Dask's own start-up and shut-down chatter, not reunite's.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Port .* is already in use:UserWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def allow(query_index: str, target_index: str, *, purpose: str) -> None:
    """A test policy that allows everything (the real one lives in governance)."""


def refuse(query_index: str, target_index: str, *, purpose: str) -> None:
    raise PurposeNotPermitted("refused", query_index=query_index)


MARKERS = ("D3S1358", "vWA", "FGA", "TH01", "D8S1179", "D21S11")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    rng = np.random.default_rng(21)
    freqs = FrequencyTable("toy", {m: {str(10 + a): float(w) for a, w in
                                       enumerate(rng.dirichlet(np.ones(7)))} for m in MARKERS})
    ped = nuclear_family(("MP", "SIB"))
    fams = simulate_families(ped, freqs, n_families=5, seed=2)
    families = [FamilyCase(fid, ped, "MP", {"SIB": fams.genotype_texts(i, "SIB")})
                for i, fid in enumerate(fams.family_ids)]
    people = degrade(simulate_unrelated(freqs, 500, seed=3), drop_probability=0.05, seed=4)
    mps = fams.person("MP")
    ids = list(people.ids) + list(mps.ids)
    indices = np.concatenate([people.indices, mps.indices])
    # An allele the table lacks, on the first shard only: the union of dictionaries must
    # set the frequencies on both shards.
    alleles = [list(a) for a in people.alleles]
    alleles[1] = [*alleles[1], "99"]
    indices[0, 1] = [len(alleles[1]) - 1, 0]
    return {"freqs": freqs, "families": families, "ids": ids, "indices": indices,
            "alleles": alleles}


@pytest.fixture(scope="module")
def single(data: dict[str, Any]) -> ProfileMatrix:
    return ProfileMatrix.from_allele_indices(data["ids"], MARKERS, data["alleles"],
                                             data["indices"])


@pytest.fixture(scope="module")
def sharded(client: Any, data: dict[str, Any]) -> ShardedIndex:
    return ShardedIndex.from_allele_indices(client, data["ids"], MARKERS, data["alleles"],
                                            data["indices"], n_shards=2)


def test_shards_hold_every_profile(single: ProfileMatrix, sharded: ShardedIndex) -> None:
    assert len(sharded) == len(single) == 505
    assert len(sharded.shards) == 2


def test_direct_match_identical(single: ProfileMatrix, sharded: ShardedIndex,
                                data: dict[str, Any]) -> None:
    query = {m: single.alleles(m)[:2] for m in MARKERS}
    options = {"stringency": "low", "min_shared": 4, "max_mismatch": 1,
               "frequencies": data["freqs"]}

    settings = SearchSettings(theta=0.01)

    one = direct_match(single, query, settings=settings, query_index="q", target_index="t",
                       policy=allow, **options)  # type: ignore[arg-type]
    many = sharded.direct_match(query, settings=settings, query_index="q", target_index="t",
                                policy=allow, **options)

    assert len(one.hits) > 3
    assert one.hits == many.hits


def test_exact_match_identical(single: ProfileMatrix, sharded: ShardedIndex) -> None:
    row = single.codes[504]
    query = {m: (single.alleles(m)[i], single.alleles(m)[j])
             for m, (i, j) in zip(MARKERS, [_pair(int(c)) for c in row], strict=True)}

    assert sharded.exact_match(query, query_index="q", target_index="t", policy=allow) == (
        exact_match(single, query, query_index="q", target_index="t", policy=allow))


def _pair(code: int) -> tuple[int, int]:
    from reunite.search.encode import code_to_pair

    return code_to_pair(code)


def test_screen_identical(single: ProfileMatrix, sharded: ShardedIndex,
                          data: dict[str, Any]) -> None:
    family = data["families"][4]

    settings = settings_for(k=6)

    one = screen_family(single, family, frequencies=data["freqs"], settings=settings,
                        query_index="q", target_index="t", policy=allow)
    many = sharded.screen_family(family, frequencies=data["freqs"], settings=settings,
                                 query_index="q", target_index="t", policy=allow)

    assert [h.profile_id for h in one.hits] == [h.profile_id for h in many.hits]
    assert [h.log10_lr for h in one.hits] == [h.log10_lr for h in many.hits]
    assert [h.screen_log10_lr for h in one.hits] == [h.screen_log10_lr for h in many.hits]


def test_blind_identical(single: ProfileMatrix, sharded: ShardedIndex,
                         data: dict[str, Any]) -> None:
    families = data["families"]
    settings = settings_for(k=3, theta=0.01)

    one = blind_search_families(single, families, frequencies=data["freqs"],
                                settings=settings, query_index="q", target_index="t",
                                policy=allow, block_size=2)
    many = sharded.blind_search(families, frequencies=data["freqs"], settings=settings,
                                query_index="q", target_index="t", policy=allow, block_size=2)

    assert one.by_family == many.by_family
    assert one.by_profile == many.by_profile
    assert many.provenance.frequency_table_hash == data["freqs"].content_hash
    assert dict(many.provenance.parameters)["settings"] == settings.to_provenance()


def test_from_matrix__the_same_screen(client: Any, single: ProfileMatrix,
                                      data: dict[str, Any]) -> None:
    settings = settings_for(k=4)
    family = data["families"][2]
    sharded = ShardedIndex.from_matrix(client, single, n_shards=2)

    one = screen_family(single, family, frequencies=data["freqs"], settings=settings,
                        query_index="q", target_index="t", policy=allow)
    many = sharded.screen_family(family, frequencies=data["freqs"], settings=settings,
                                 query_index="q", target_index="t", policy=allow)

    assert len(sharded) == len(single)
    assert [(h.profile_id, h.log10_lr) for h in one.hits] == [
        (h.profile_id, h.log10_lr) for h in many.hits]


def test_sharded_searches_refuse(sharded: ShardedIndex, data: dict[str, Any]) -> None:
    family = data["families"][0]
    with pytest.raises(PurposeNotPermitted):
        sharded.direct_match({"vWA": ("1", "2")}, settings=SearchSettings(), query_index="q",
                             target_index="t", policy=refuse)
    with pytest.raises(PurposeNotPermitted):
        sharded.exact_match({"vWA": ("1", "2")}, query_index="q", target_index="t",
                            policy=refuse)
    with pytest.raises(PurposeNotPermitted):
        sharded.screen_family(family, frequencies=data["freqs"], settings=SearchSettings(),
                              query_index="q", target_index="t", policy=refuse)
    with pytest.raises(PurposeNotPermitted):
        sharded.blind_search([family], frequencies=data["freqs"], settings=SearchSettings(),
                             query_index="q", target_index="t", policy=refuse)


def test_remove_on_shards(client: Any, data: dict[str, Any]) -> None:
    index = ShardedIndex.from_allele_indices(client, data["ids"], MARKERS, data["alleles"],
                                             data["indices"], n_shards=2)

    assert index.remove(["U000", "F4:MP", "nobody"]) == 2
    assert len(index) == 503

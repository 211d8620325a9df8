"""Speed paths of the genetics core give exactly what the validating paths give.

``Profile._from_canonical`` (readers' constructor), cached ``parse_allele`` and
``canonical_marker_name``, and cached genotype hashes must not change any result.
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reunite.errors import AlleleError, MarkerError
from reunite.genetics.alleles import Allele, parse_allele
from reunite.genetics.markers import canonical_marker_name
from reunite.genetics.profile import Genotype, Profile
from strategies import allele_texts, genotypes, profiles


@given(profiles())
def test_fast_constructor_equals_the_validating_one(profile: Profile) -> None:
    fast = Profile._from_canonical(profile.id, dict(profile.genotypes))
    assert fast == profile
    assert hash(fast) == hash(profile)
    assert repr(fast) == repr(profile)
    assert fast.markers == profile.markers
    assert fast.sex == profile.sex
    assert {fast, profile} == {profile}


@given(profiles())
def test_fast_profile_is_read_only_and_pickles(profile: Profile) -> None:
    fast = Profile._from_canonical(profile.id, dict(profile.genotypes))
    with pytest.raises(TypeError):
        fast.genotypes["vWA"] = Genotype(1, 2)  # type: ignore[index]
    assert pickle.loads(pickle.dumps(fast)) == profile


def test_profile_hash_is_the_hash_of_id_and_genotype_set() -> None:
    genotypes = {"vWA": Genotype(16, 17), "TH01": Genotype.partial("9.3")}
    profile = Profile("S1", genotypes)
    expected = hash(("S1", frozenset(genotypes.items())))
    assert hash(profile) == expected
    assert hash(profile) == expected  # second call: the kept value
    assert hash(Profile._from_canonical("S1", dict(genotypes))) == expected


@given(genotypes(allow_partial=True))
def test_genotype_hash_is_kept_and_equal_genotypes_hash_equal(genotype: Genotype) -> None:
    texts = [a.text for a in genotype.alleles]
    again = Genotype.partial(texts[0]) if genotype.is_partial else Genotype(*reversed(texts))
    assert again == genotype
    assert hash(again) == hash(genotype) == hash((genotype.alleles,))


@given(genotypes(allow_partial=True))
def test_genotype_pickles_through_its_constructors(genotype: Genotype) -> None:
    # A cached str hash is only valid in the process that made it: never pickle it.
    builder, args = genotype.__reduce__()
    assert builder in (Genotype, Genotype.partial)
    copy = pickle.loads(pickle.dumps(genotype))
    assert copy == genotype
    assert hash(copy) == hash(genotype)


@given(allele_texts, st.sampled_from(["", " ", "  "]))
def test_cached_allele_parse_equals_a_fresh_parse(text: str, pad: str) -> None:
    first = parse_allele(pad + text + pad)
    assert first == Allele(text)
    assert first.sort_key == Allele(text).sort_key
    assert parse_allele(pad + text + pad) is first  # one shared immutable value


def test_cached_allele_parse_of_numbers_keeps_their_form() -> None:
    assert parse_allele(9) is parse_allele("9")
    assert parse_allele(9.3) is parse_allele("9.3")
    with pytest.raises(AlleleError) as caught:
        parse_allele(True)
    assert caught.value.context["value"] is True


@pytest.mark.parametrize("bad", ["abc", "-3", "9.9.9", ""])
def test_bad_alleles_are_reported_every_time_with_their_marker(bad: str) -> None:
    for marker in ("vWA", "TH01", None):
        with pytest.raises(AlleleError) as caught:
            parse_allele(bad, marker=marker)
        assert caught.value.context["value"] == bad
        assert caught.value.context.get("marker") == marker


def test_cached_marker_resolution() -> None:
    assert canonical_marker_name("PENTA_E") == "Penta E"
    assert canonical_marker_name("PENTA_E") == "Penta E"
    assert canonical_marker_name("vWA") == "vWA"
    assert canonical_marker_name(" custom ", allow_unknown=True) == "custom"
    for _ in range(2):
        with pytest.raises(MarkerError):
            canonical_marker_name("NOPE")
        with pytest.raises(MarkerError):
            canonical_marker_name("  ")

"""The batch importer's payload writer gives the bytes of ``profile_to_payload`` exactly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reunite.genetics.profile import Genotype, Profile
from reunite.services.batch_import import PayloadWriter
from reunite.services.enrolment import payload_to_profile, profile_to_payload
from strategies import genotypes, profiles


@given(st.lists(profiles(), min_size=1, max_size=5))
def test_writer_matches_profile_to_payload(batch: list[Profile]) -> None:
    writer = PayloadWriter()  # shared across the batch, as import_batch uses it
    for profile in batch:
        assert writer.payload(profile) == profile_to_payload(profile)


@given(st.data())
def test_partial_genotypes_and_unknown_markers(data: st.DataObject) -> None:
    genotype = data.draw(genotypes(allow_partial=True))
    profile = Profile.from_mapping(
        "Ü-1 \"q\"", {"TH01": genotype, "vWA": ["16", "17"], "My Locus\t2": ["9.3", None]},
        allow_unknown_markers=True)

    payload = PayloadWriter().payload(profile)

    assert payload == profile_to_payload(profile)
    assert payload_to_profile(payload) == profile


def test_known_bytes_whatever_the_marker_order() -> None:
    writer = PayloadWriter()
    one = Profile._from_canonical("X1", {"vWA": Genotype("17", "16"),
                                         "TH01": Genotype.partial("9.3")})
    other = Profile._from_canonical("X1", {"TH01": Genotype.partial("9.3"),
                                           "vWA": Genotype("16", "17")})

    expected = b'{"genotypes":{"TH01":["9.3",null],"vWA":["16","17"]},"id":"X1"}'

    assert writer.payload(one) == writer.payload(other) == expected

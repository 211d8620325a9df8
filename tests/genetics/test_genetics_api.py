"""The curated public API of reunite.genetics."""

from __future__ import annotations

import reunite.genetics as genetics


def test_all__is_sorted_and_every_name_exists() -> None:
    names = genetics.__all__

    assert list(names) == sorted(names, key=lambda n: (not n.isupper(), n))
    assert all(hasattr(genetics, name) for name in names)
    assert {"Allele", "Genotype", "Profile", "YHaplotype", "FrequencyTable", "Kit", "KITS",
            "Marker", "ChromosomeType", "parse_allele", "canonical_marker_name", "get_kit",
            "get_marker", "estimate_frequencies"} <= set(names)

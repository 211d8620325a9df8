"""reunite.io: lab files in and out, formats ↔ model only (no database, no statistics).

Profiles: :func:`read_profiles` / :func:`write_profiles` dispatch to the format modules —
:mod:`~reunite.io.cmf` (CODIS CMF 3.2), :mod:`~reunite.io.genemapper` (GeneMapper ID-X and
GeneMarker HID tables), :mod:`~reunite.io.familias` (``.fam`` projects and frequency
databases), :mod:`~reunite.io.ped` (pedtools/forrel), :mod:`~reunite.io.profile_json`.
Every reader returns a :class:`ReadResult` (profiles, skipped samples, problems) or raises
a :class:`~reunite.errors.FileFormatError` listing every problem; :func:`import_report`
turns a result into the QC report. Frequency tables of every layout (reunite CSV, NIST
1036, FBI 2015, wide, Familias): :func:`read_frequencies` (detection:
:func:`detect_frequency_format`) in :mod:`~reunite.io.frequencies`.
"""

from reunite.io.cmf import read_cmf, write_cmf
from reunite.io.detect import detect_format
from reunite.io.familias import (
    read_familias,
    read_familias_frequencies,
    write_familias,
    write_familias_frequencies,
)
from reunite.io.formats import read_profiles, write_profiles
from reunite.io.frequencies import (
    FrequencyFormat,
    detect_frequency_format,
    read_fbi_2015_frequencies,
    read_frequencies,
    read_frequency_csv,
    read_nist_1036_frequencies,
    read_nist_1036_genotypes,
    read_wide_frequency_csv,
    write_frequencies,
)
from reunite.io.genemapper import read_genemapper, write_genemapper
from reunite.io.ped import read_ped, write_ped
from reunite.io.report import ImportReport, import_report
from reunite.io.result import ReadResult, SkippedSample

__all__ = [
    "FrequencyFormat",
    "ImportReport",
    "ReadResult",
    "SkippedSample",
    "detect_format",
    "detect_frequency_format",
    "import_report",
    "read_cmf",
    "read_familias",
    "read_familias_frequencies",
    "read_fbi_2015_frequencies",
    "read_frequencies",
    "read_frequency_csv",
    "read_genemapper",
    "read_nist_1036_frequencies",
    "read_nist_1036_genotypes",
    "read_ped",
    "read_profiles",
    "read_wide_frequency_csv",
    "write_cmf",
    "write_familias",
    "write_familias_frequencies",
    "write_frequencies",
    "write_genemapper",
    "write_ped",
    "write_profiles",
]

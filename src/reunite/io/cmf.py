"""CODIS CMF 3.2 XML import files: read specimens (lawful categories only), write them.

CMF (CODIS Message Format, FBI "CODIS CMF 3.2 Interface Specification") is how labs move
STR profiles between their software and CODIS: a header, then ``SPECIMEN`` elements with
``SPECIMENID``, ``SPECIMENCATEGORY`` and ``LOCUS`` elements (``LOCUSNAME``, ``READINGBY``,
``READINGDATETIME``, 1–8 ``ALLELE/ALLELEVALUE``).

Safety. A CMF file is untrusted input. It is first parsed with :mod:`defusedxml`, which
refuses any DTD, entity declaration or external reference (billion-laughs and XXE files);
only then is it parsed with lxml (entities off, no network) and validated against the CMF
XML schema (:data:`reunite.io._cmf_schema.CMF_2017_XSD`, or another XSD given by path).

Lawful categories. reunite holds missing-person references, unidentified persons and the
staff elimination index, nothing else (DESIGN.md, "Purpose and limits"). Each CODIS
specimen category maps to a reunite index (:data:`CATEGORY_INDEX`) or is refused:
criminal-justice categories (offenders, arrestees, forensic unknowns, suspects, crime
victims, elimination samples from crime scenes…) with a message naming the specimen and
its category; other categories with no lawful index (population, proficiency…) likewise.
CODIS has one *Unidentified Person* category for remains and living persons alike; it maps
to ``unidentified-remains`` unless the caller says the file holds living persons.

Alleles: one ``ALLELE`` at a locus is a homozygote (CODIS convention); more than two is a
possible mixture; ``<6``/``>15`` off-ladder calls are kept as such (warnings).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as StdET
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import cast

import defusedxml
import defusedxml.ElementTree as SafeET
from lxml import etree

from reunite.errors import FileFormatError
from reunite.genetics.markers import MARKERS
from reunite.genetics.profile import Profile
from reunite.io._cmf_schema import CMF_2017_XSD, CMF_NAMESPACE
from reunite.io.assembly import ProfileAssembler
from reunite.io.result import (
    CODE_ENCODING,
    CODE_REFUSED_CATEGORY,
    CODE_SCHEMA,
    CODE_UNSAFE_XML,
    ProblemLog,
    ReadResult,
)

__all__ = [
    "CATEGORY_INDEX",
    "CRIMINAL_CATEGORIES",
    "cmf_locus_name",
    "format_cmf",
    "read_cmf",
    "write_cmf",
]

FORMAT = "cmf"

REFERENCE_DIRECT = "reference-direct"
REFERENCE_FAMILY = "reference-family"
UNIDENTIFIED_LIVING = "unidentified-living"
UNIDENTIFIED_REMAINS = "unidentified-remains"
ELIMINATION = "elimination"

CATEGORY_INDEX: Mapping[str, str] = {
    # The missing person's own DNA (personal effects, a stored sample), or a profile of
    # the missing person deduced from relatives: compared directly with the unidentified.
    "Missing Person": REFERENCE_DIRECT,
    "Deduced Missing Person": REFERENCE_DIRECT,
    # Relatives of a missing person (the spouse is typed to reconstruct the children).
    "Biological Mother": REFERENCE_FAMILY,
    "Biological Father": REFERENCE_FAMILY,
    "Biological Child": REFERENCE_FAMILY,
    "Biological Sibling": REFERENCE_FAMILY,
    "Maternal Relative": REFERENCE_FAMILY,
    "Paternal Relative": REFERENCE_FAMILY,
    "Alleged Mother": REFERENCE_FAMILY,
    "Alleged Father": REFERENCE_FAMILY,
    "Spouse": REFERENCE_FAMILY,
    # Unidentified human remains or living persons (see the module docstring).
    "Unidentified Person": UNIDENTIFIED_REMAINS,
    # Laboratory staff: contamination checks only.
    "Staff": ELIMINATION,
}
"""CODIS specimen category → reunite index, for the categories reunite may hold."""

CRIMINAL_CATEGORIES = frozenset({
    "Convicted Offender", "Arrestee", "Detainee", "Juvenile", "CO Duplicate",
    "Multi-allelic Offender", "Unreviewed Offender", "Legal", "Suspect, Known",
    "Deduced Suspect", "Forensic, Unknown", "Forensic Mixture", "Forensic Partial",
    "Forensic Targeted", "Victim, Known", "Deduced Victim Known", "Elimination, Known",
})
"""Criminal-justice categories: always refused (no familial searching of such databases)."""

_INDEX_CATEGORY = {
    REFERENCE_DIRECT: "Missing Person",
    UNIDENTIFIED_REMAINS: "Unidentified Person",
    UNIDENTIFIED_LIVING: "Unidentified Person",
    ELIMINATION: "Staff",
}

# reunite's canonical marker name -> the CMF LocusNameType spelling, where they differ.
_CMF_LOCUS = {"AMEL": "AMEL", "DYS389I": "DYS389 I", "DYS389II": "DYS389 II"}
# CMF spellings that reunite's marker table does not know (the schema lists "TP0X").
_CMF_ALIASES = {"TP0X": "TPOX"}
_NS = {"c": CMF_NAMESPACE}
_SPECIMEN_PATH = re.compile(r"^/CODISImportFile/SPECIMEN\[(\d+)\]")


@lru_cache(maxsize=4)
def _schema(path: str | None) -> etree.XMLSchema:
    if path is None:
        document = etree.fromstring(CMF_2017_XSD.encode("utf-8"), _safe_parser())
    else:
        try:
            document = etree.fromstring(Path(path).read_bytes(), _safe_parser())
        except (OSError, etree.XMLSyntaxError) as exc:
            raise FileFormatError(f"cannot read the XML schema: {exc}", source=path) from exc
    return etree.XMLSchema(document)


def _safe_parser() -> etree.XMLParser:
    # Entities are not substituted, DTDs not loaded, nothing fetched from the network and
    # no "huge tree" mode: belt and braces behind the defusedxml check.
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def _check_safe(data: bytes, source: str) -> None:
    """Refuse DTDs, entities and external references before any real parsing."""
    try:
        SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden as exc:
        raise FileFormatError(
            "the XML declares a DTD; CMF files have none and DTDs are refused (entity "
            "expansion and external entities are attack vectors)",
            source=source, code=CODE_UNSAFE_XML) from exc
    except defusedxml.EntitiesForbidden as exc:
        raise FileFormatError("the XML declares entities; refused (entity expansion attack)",
                              source=source, code=CODE_UNSAFE_XML, value=exc.name) from exc
    except defusedxml.ExternalReferenceForbidden as exc:
        raise FileFormatError("the XML refers to an external resource; refused",
                              source=source, code=CODE_UNSAFE_XML,
                              value=exc.sysid) from exc
    except defusedxml.DefusedXmlException as exc:
        raise FileFormatError(f"unsafe XML refused: {exc}", source=source,
                              code=CODE_UNSAFE_XML) from exc
    except StdET.ParseError as exc:
        line, column = exc.position
        raise FileFormatError(f"not well-formed XML (truncated file?): {exc.msg}"
                              if hasattr(exc, "msg") else "not well-formed XML",
                              source=source, line=line, field=f"column {column}",
                              code=CODE_SCHEMA) from exc
    except (ValueError, LookupError, UnicodeError) as exc:  # unknown encoding declaration
        raise FileFormatError(f"unreadable XML encoding: {exc}", source=source,
                              code=CODE_ENCODING) from exc


def _entries(xsd: etree.XMLSchema) -> list[etree._LogEntry]:
    # lxml's error log is iterable; lxml-stubs do not say so. libxml2 follows an invalid
    # key value with a "no precomputed value" note on the same element: noise, dropped.
    return [e for e in cast("Iterable[etree._LogEntry]", xsd.error_log)
            if "No precomputed value available" not in e.message]


def _readable_path(element: etree._Element) -> str:
    """``/CODISImportFile/SPECIMEN[2]/LOCUS[3]/LOCUSNAME`` for an element (1-based)."""
    parts: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        name = etree.QName(node).localname
        parent = node.getparent()
        if parent is None:
            parts.append(name)
        else:
            same = [c for c in parent if isinstance(c.tag, str) and c.tag == node.tag]
            parts.append(f"{name}[{same.index(node) + 1}]" if len(same) > 1 or
                         name in {"SPECIMEN", "LOCUS", "ALLELE"} else name)
        node = parent
    return "/" + "/".join(reversed(parts))


def _locate(
    root: etree._Element, xpath: str | None, specimen_ids: Mapping[int, str]
) -> tuple[str | None, str | None]:
    """A readable XML path for a schema error, and the specimen it falls in (if any)."""
    if not xpath:
        return None, None
    try:
        found = root.getroottree().xpath(xpath)
    except etree.XPathError:
        return xpath, None
    if not isinstance(found, list) or not found or not isinstance(found[0], etree._Element):
        return xpath, None
    path = _readable_path(found[0])
    match = _SPECIMEN_PATH.match(path)
    return path, specimen_ids.get(int(match[1])) if match else None


def _text(element: etree._Element | None) -> str:
    return "" if element is None or element.text is None else element.text.strip()


def read_cmf(
    source: str | Path | bytes,
    *,
    skip_bad: bool = False,
    allow_unknown_markers: bool = False,
    unidentified_index: str = UNIDENTIFIED_REMAINS,
    schema: str | Path | None = None,
    name: str | None = None,
) -> ReadResult:
    """Read a CODIS CMF 3.2 import file (path or bytes); see the module docstring.

    ``ReadResult.indices`` gives each profile's reunite index from its category.
    ``unidentified_index`` is where *Unidentified Person* specimens go
    (``"unidentified-remains"`` or ``"unidentified-living"``); ``schema`` an XSD path to
    validate against instead of the built-in CMF 2017 schema. Raises FileFormatError
    listing every problem (unsafe XML, schema violations, refused categories, mixtures…).
    """
    if unidentified_index not in {UNIDENTIFIED_REMAINS, UNIDENTIFIED_LIVING}:
        raise FileFormatError("unidentified_index must be unidentified-remains or "
                              "unidentified-living", field="unidentified_index",
                              value=unidentified_index)
    label, data = _load(source, name)
    _check_safe(data, label)
    try:
        root = etree.fromstring(data, _safe_parser())
    except etree.XMLSyntaxError as exc:
        raise FileFormatError(f"not well-formed XML: {exc}", source=label,
                              line=exc.lineno, code=CODE_SCHEMA) from exc
    log = ProblemLog(label)
    specimen_ids = _specimen_ids(root)
    xsd = _schema(None if schema is None else str(schema))
    if not xsd.validate(root):
        for entry in _entries(xsd):
            path, sample = _locate(root, entry.path, specimen_ids)
            log.error(CODE_SCHEMA, f"does not match the CMF schema: {entry.message}",
                      line=entry.line, field=path, sample=sample)
    log.raise_if_fatal()
    assembler = ProfileAssembler(log, allow_unknown_markers=allow_unknown_markers)
    indices: dict[str, str] = {}
    for number, specimen in enumerate(root.iterfind("c:SPECIMEN", _NS), start=1):
        path = f"/CODISImportFile/SPECIMEN[{number}]"
        sample = specimen_ids.get(number) or f"(specimen {number})"
        if not assembler.start_sample(sample, line=specimen.sourceline, field=path,
                                      contiguous=False):
            continue
        category = _text(specimen.find("c:SPECIMENCATEGORY", _NS))
        index = _index_for(category, unidentified_index)
        if index is None:
            log.error(CODE_REFUSED_CATEGORY, _refusal(category),
                      line=specimen.sourceline, field=f"{path}/SPECIMENCATEGORY",
                      sample=sample, value=category)
        else:
            indices[sample] = index
        for j, locus in enumerate(specimen.iterfind("c:LOCUS", _NS), start=1):
            written = _text(locus.find("c:LOCUSNAME", _NS))
            marker = _CMF_ALIASES.get(written, written)
            alleles = [_text(v) for v in locus.iterfind("c:ALLELE/c:ALLELEVALUE", _NS)]
            known = MARKERS.get(marker)
            assembler.add(sample, marker, [a for a in alleles if a],
                          line=locus.sourceline, field=f"{path}/LOCUS[{j}]",
                          max_alleles=max(2, known.copies if known else 2))
    return log.finish(assembler.profiles(), format=FORMAT, skip_bad=skip_bad,
                      indices=indices)


def _load(source: str | Path | bytes, name: str | None) -> tuple[str, bytes]:
    if isinstance(source, bytes):
        return name or "<bytes>", source
    label = name or str(source)
    try:
        return label, Path(source).read_bytes()
    except OSError as exc:
        raise FileFormatError(f"cannot read the file: {exc.strerror}", source=label) from exc


def _specimen_ids(root: etree._Element) -> dict[int, str]:
    return {n: _text(s.find("c:SPECIMENID", _NS))
            for n, s in enumerate(root.iterfind("c:SPECIMEN", _NS), start=1)
            if _text(s.find("c:SPECIMENID", _NS))}


def _index_for(category: str, unidentified_index: str) -> str | None:
    index = CATEGORY_INDEX.get(category)
    if index == UNIDENTIFIED_REMAINS:
        return unidentified_index
    return index


def _refusal(category: str) -> str:
    if category in CRIMINAL_CATEGORIES:
        return (f"refused: specimen category {category!r} is a criminal-justice category; "
                "reunite holds only missing-person references, unidentified persons and "
                "staff elimination profiles")
    return (f"refused: specimen category {category!r} has no lawful reunite index (accepted: "
            f"{', '.join(sorted(CATEGORY_INDEX))})")


def cmf_locus_name(marker: str) -> str:
    """The CMF spelling of canonical ``marker`` (``AMEL``, ``DYS389 I``…)."""
    return _CMF_LOCUS.get(marker, marker)


def format_cmf(
    profiles: Iterable[Profile],
    *,
    categories: str | Mapping[str, str],
    source_lab: str,
    destination_ori: str,
    submitted_by: str,
    submitted_at: datetime | None = None,
    batch_id: str | None = None,
    kit: str | None = None,
    case_id: str | None = None,
) -> bytes:
    """A CMF 3.2 import file (UTF-8 bytes) for ``profiles``, validated against the schema.

    ``categories`` is one CODIS category for every profile, or a mapping from profile id to
    a category or to a reunite index name (``reference-direct`` → *Missing Person*,
    ``unidentified-*`` → *Unidentified Person*, ``elimination`` → *Staff*; family references
    need their relationship category, e.g. *Biological Mother*). Only lawful categories
    (:data:`CATEGORY_INDEX`) can be written. A homozygote is written as one allele; a
    partial genotype cannot be told from one in CMF and is refused, as is any marker the
    schema does not name.
    """
    profiles = list(profiles)
    when = (submitted_at or datetime.now(UTC)).replace(microsecond=0, tzinfo=None)
    stamp = when.isoformat()
    problems = ProblemLog("<cmf output>")
    # lxml-stubs type nsmap keys as str; None is lxml's key for the default namespace.
    root = etree.Element(f"{{{CMF_NAMESPACE}}}CODISImportFile",
                         nsmap={None: CMF_NAMESPACE})  # type: ignore[dict-item]

    def sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
        element = etree.SubElement(parent, f"{{{CMF_NAMESPACE}}}{tag}")
        if text is not None:
            element.text = text
        return element

    for tag, value in (("HEADERVERSION", "3.2"), ("MESSAGETYPE", "Import"),
                       ("DESTINATIONORI", destination_ori), ("SOURCELAB", source_lab),
                       ("SUBMITBYUSERID", submitted_by), ("SUBMITDATETIME", stamp)):
        sub(root, tag, value)
    if batch_id is not None:
        sub(root, "BATCHID", batch_id)
    if kit is not None:
        sub(root, "KIT", kit)
    for profile in profiles:
        category = _category_for(profile.id, categories)
        if category not in CATEGORY_INDEX:
            problems.error(CODE_REFUSED_CATEGORY, _refusal(category), sample=profile.id,
                           value=category)
            continue
        specimen = sub(root, "SPECIMEN")
        if case_id is not None:
            specimen.set("CASEID", case_id)
        sub(specimen, "SPECIMENID", profile.id)
        sub(specimen, "SPECIMENCATEGORY", category)
        for marker, genotype in profile.genotypes.items():
            if genotype.is_partial:
                problems.error(
                    CODE_SCHEMA, "a partial genotype cannot be written to CMF (one allele "
                    "there means a homozygote)", sample=profile.id, marker=marker,
                    value=str(genotype))
                continue
            locus = sub(specimen, "LOCUS")
            sub(locus, "LOCUSNAME", cmf_locus_name(marker))
            sub(locus, "READINGBY", submitted_by)
            sub(locus, "READINGDATETIME", stamp)
            for allele in dict.fromkeys(a.text for a in genotype.alleles):
                sub(sub(locus, "ALLELE"), "ALLELEVALUE", allele)
    if not problems.problems:
        xsd = _schema(None)
        if not xsd.validate(root):
            ids = _specimen_ids(root)
            for entry in _entries(xsd):
                path, sample = _locate(root, entry.path, ids)
                problems.error(CODE_SCHEMA, f"cannot be written as valid CMF: {entry.message}",
                               field=path, sample=sample)
    if problems.problems:
        n = len(problems.problems)
        raise FileFormatError(f"{n} problem{'s' if n != 1 else ''}; no CMF file was written",
                              problems=problems.problems)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))


def _category_for(sample: str, categories: str | Mapping[str, str]) -> str:
    chosen = categories if isinstance(categories, str) else categories.get(sample, "")
    return _INDEX_CATEGORY.get(chosen, chosen)


def write_cmf(
    profiles: Iterable[Profile],
    target: str | Path,
    *,
    categories: str | Mapping[str, str],
    source_lab: str,
    destination_ori: str,
    submitted_by: str,
    submitted_at: datetime | None = None,
    batch_id: str | None = None,
    kit: str | None = None,
    case_id: str | None = None,
) -> None:
    """Write :func:`format_cmf` output to ``target`` (same keyword arguments)."""
    Path(target).write_bytes(format_cmf(
        profiles, categories=categories, source_lab=source_lab,
        destination_ori=destination_ori, submitted_by=submitted_by,
        submitted_at=submitted_at, batch_id=batch_id, kit=kit, case_id=case_id))

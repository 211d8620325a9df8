"""The catalogue: both languages have the same keys and placeholders, and every key used
by a template or by code exists; language negotiation."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from reunite.governance.indices import PersonRole
from reunite.report.verbal import ENFSI_BANDS
from reunite.web.guard import ERROR_KINDS
from reunite.web.i18n import LANGUAGES, Translator, catalogue, negotiate
from reunite.web.views_cases import CONSENT_FIELDS, RELATIONS

SRC = Path(__file__).resolve().parents[2] / "src" / "reunite"
STATIC_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.-]+)["']""")
DYNAMIC_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.-]+\.)["']\s*~""")

# Every value a dynamic key (``t("prefix." ~ value)``) can take, from the code that makes it.
DYNAMIC = {
    "status.": ["pending", "awaiting-second-review", "confirmed", "rejected"],
    "job.": ["queued", "running", "done", "failed"],
    "person.role.": [r.value for r in PersonRole],
    "relation.": list(RELATIONS),
    "case.status.": ["open", "closed"],
    "prot.kind.": ["consent", "legal-order"],
    "consent.field.": list(CONSENT_FIELDS),
    "report.decision.": ["confirmed", "rejected"],
    "verbal.": [key for _, key, _ in ENFSI_BANDS] + ["none", "exclusion", "undefined"],
    "verbal.sentence.": ["1", "2", "none", "exclusion", "undefined"],
    "error.kind.": [name for _, _, name in ERROR_KINDS] + ["internal"],
}


def _sources() -> list[Path]:
    return [*SRC.joinpath("web", "templates").glob("*.html"),
            *SRC.joinpath("report", "templates").glob("*.html"),
            *SRC.joinpath("web").glob("*.py"), *SRC.joinpath("report").glob("*.py")]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    english, chinese = catalogue("en"), catalogue("zh_CN")

    assert set(english) == set(chinese)
    for key, text in english.items():
        assert text.strip(), key
        assert chinese[key].strip(), key
        assert _placeholders(text) == _placeholders(chinese[key]), key


def test_every_key_used_exists() -> None:
    keys = set(catalogue("en"))
    used: set[str] = set()
    prefixes: set[str] = set()
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        prefixes.update(DYNAMIC_KEY.findall(text))
        used.update(k for k in STATIC_KEY.findall(text) if not k.endswith("."))

    assert used, "no keys found: the pattern is wrong"
    assert sorted(used - keys) == []
    assert sorted(prefixes - set(DYNAMIC)) == []
    missing = [p + v for p, values in DYNAMIC.items() for v in values if p + v not in keys]
    assert missing == []


def test_translator__fills_placeholders_and_refuses_unknown_keys() -> None:
    assert Translator("zh_CN")("case.title", case="MP-1") == "案件 MP-1"
    assert Translator("xx").language == "en"
    with pytest.raises(KeyError):
        Translator("en")("no.such.key")


@pytest.mark.parametrize(("query", "cookie", "header", "expected"), [
    ("zh_CN", None, None, "zh_CN"),
    ("zh-cn", "en", None, "zh_CN"),
    (None, "zh_CN", "en", "zh_CN"),
    (None, None, "zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
    (None, None, "en-GB,en;q=0.9,zh;q=0.8", "en"),
    (None, None, "fr-FR, zh;q=0.5", "zh_CN"),
    (None, None, "zh-TW", "en"),
    (None, None, None, "en"),
    ("klingon", None, "zh", "zh_CN"),
])
def test_negotiate(query: str | None, cookie: str | None, header: str | None,
                   expected: str) -> None:
    assert negotiate(query, cookie, header) == expected
    assert expected in LANGUAGES

"""The one catalogue of user-facing text, in English and Simplified Chinese.

Every string a person reads in the web application and in the identification reports is
looked up here by key (``locales/en.json``, ``locales/zh_CN.json``: flat ``{key: text}``
objects, ``{name}`` placeholders filled with :meth:`str.format`). Both catalogues must have
exactly the same keys (a test checks this, and that every key a template uses exists).

The language of a request is, in order: ``?lang=``, the ``lang`` cookie, the best match in
``Accept-Language`` (RFC 9110 §12.5.4 quality values), else English.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Translator", "catalogue", "negotiate", "translator"]

LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
"""Language code -> its own name (shown in the language switcher)."""
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(language: str) -> dict[str, str]:
    """The catalogue of ``language`` (KeyError for a language we do not have)."""
    if language not in LANGUAGES:
        raise KeyError(language)
    text = resources.files("reunite.web").joinpath("locales", f"{language}.json").read_text(
        encoding="utf-8")
    loaded: dict[str, str] = json.loads(text)
    return loaded


class Translator:
    """``t(key, **params)``: the text of ``key`` in one language, placeholders filled.

    An unknown key raises :class:`KeyError`: a page must never show a raw key.
    """

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self._text = catalogue(self.language)

    def __call__(self, key: str, /, **params: object) -> str:
        text = self._text[key]
        return text.format(**params) if params else text

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag for ``<html lang>``."""
        return self.language.replace("_", "-")


def translator(language: str) -> Translator:
    """A :class:`Translator` for ``language`` (English when unknown)."""
    return Translator(language)


def _from_accept_language(header: str) -> str | None:
    choices: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        parts = item.strip().split(";")
        tag = parts[0].strip().lower()
        quality = 1.0
        for param in parts[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if not tag or quality <= 0:
            continue
        if tag.startswith("zh"):
            # Traditional-script tags get English rather than the wrong script.
            if tag in ("zh-tw", "zh-hk", "zh-mo", "zh-hant"):
                continue
            choices.append((quality, -position, "zh_CN"))
        elif tag.startswith("en") or tag == "*":
            choices.append((quality, -position, "en"))
    return max(choices)[2] if choices else None


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language for a request (see the module docstring for the order)."""
    for candidate in (query, cookie):
        if candidate:
            normal = candidate.replace("-", "_")
            if normal.lower() in ("zh", "zh_cn", "zh_hans"):
                return "zh_CN"
            if normal in LANGUAGES:
                return normal
    if accept_language:
        found = _from_accept_language(accept_language)
        if found:
            return found
    return DEFAULT_LANGUAGE

"""The curated library API (httpx's ``test_exported_members`` shape).

For ``reunite`` and each subpackage that curates an ``__all__``: the list is sorted
(constants first, then the rest in code-point order), every name in it exists and is
public, and every public name of the module is in it (submodules aside). ``reunite``
loads its names on first use: its table, its typing imports and ``__all__`` agree, and
``import reunite.errors`` does not load the search engine.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import reunite

CURATED = ["reunite", "reunite.stats", "reunite.genetics", "reunite.io", "reunite.search"]


def _sort_key(name: str) -> tuple[bool, str]:
    return (not name.isupper(), name)


@pytest.mark.parametrize("name", CURATED)
def test_all__sorted_every_name_exists_and_is_public(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)

    assert exported == sorted(exported, key=_sort_key)
    assert len(set(exported)) == len(exported)
    for member in exported:
        assert member == "__version__" or not member.startswith("_"), member
        assert getattr(module, member) is not None, member


@pytest.mark.parametrize("name", CURATED)
def test_all__holds_every_public_name(name: str) -> None:
    module = importlib.import_module(name)
    public = {
        member for member in dir(module)
        if not member.startswith("_") and not isinstance(getattr(module, member), ModuleType)
    }

    assert public == set(module.__all__) - {"__version__"}


def test_lazy_table_equals_all_and_resolves() -> None:
    table = reunite._EXPORTS

    assert set(table) == set(reunite.__all__) - {"__version__"}
    for public, (module, attribute) in table.items():
        assert getattr(reunite, public) is getattr(importlib.import_module(module), attribute)


def test_typing_imports_equal_the_lazy_table() -> None:
    tree = ast.parse(Path(reunite.__file__).read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If))
    imported = {
        (alias.asname or alias.name): (node.module, alias.name)
        for node in block.body if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }

    assert imported == reunite._EXPORTS


def test_unknown_name__attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        reunite.nope  # type: ignore[attr-defined]


def test_errors_import_does_not_load_the_engine() -> None:
    code = ("import sys, reunite.errors; "
            "print(sorted(m for m in ('numpy', 'reunite.search', 'reunite.stats') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)

    assert proc.stdout.strip() == "[]"

"""The API reference (docs/api.md) lists every public name, so it cannot fall behind.

Reads the page as text: no Sphinx needed.
"""

from pathlib import Path

import pytest

import fastreg

API_PAGE = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def autosummary_entries(text):
    """Names listed in the page's ``.. autosummary::`` blocks."""
    names, inside = [], False
    for line in text.splitlines():
        if line.strip().startswith(".. autosummary::"):
            inside = True
            continue
        if inside:
            if not line.strip() or line.strip().startswith(":"):
                continue
            if not line.startswith(" "):
                inside = False
                continue
            names.append(line.strip().lstrip("~").removeprefix("fastreg."))
    return names


@pytest.fixture(scope="module")
def listed():
    if not API_PAGE.exists():
        pytest.skip("docs/ is not part of this installation")
    return autosummary_entries(API_PAGE.read_text(encoding="utf-8"))


def test_every_public_name_is_documented(listed):
    missing = sorted(set(fastreg.__all__) - set(listed))
    assert not missing, f"add to an autosummary block of docs/api.md: {', '.join(missing)}"


def test_api_page_lists_only_public_names_once(listed):
    assert len(listed) == len(set(listed)), "a name is listed twice in docs/api.md"
    unknown = sorted(set(listed) - set(fastreg.__all__))
    assert not unknown, f"docs/api.md lists names not in fastreg.__all__: {', '.join(unknown)}"


def test_entry_parser_reads_blocks():
    text = ".. autosummary::\n   :toctree: generated\n\n   Lasso\n   ~fastreg.Ridge\n\nText\n   Path\n"
    assert autosummary_entries(text) == ["Lasso", "Ridge"]


"""Sphinx configuration for the fastreg documentation.

Build with ``sphinx-build docs docs/_build`` after ``pip install ".[docs]"``.
Pages are Markdown (MyST); API pages are generated from the numpydoc
docstrings of the installed package.
"""

import fastreg

project = "fastreg"
author = "fastreg developers"
copyright = "fastreg developers"
release = fastreg.__version__
version = release

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build"]
myst_enable_extensions = ["dollarmath"]

numpydoc_show_class_members = False
autodoc_typehints = "none"

html_theme = "alabaster"
html_title = f"fastreg {release}"

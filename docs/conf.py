"""Sphinx configuration for the fastreg documentation.

Build from the top of the repository, offline, with warnings as errors::

    pip install ".[docs]"
    sphinx-build -W -b html docs docs/_build/html

Pages are Markdown (MyST). The API reference is generated from the numpydoc
docstrings of the installed package (autosummary stubs under
``docs/generated/``), and the gallery runs every ``examples/plot_*.py``
(sphinx-gallery, output under ``docs/auto_examples/``). Nothing is fetched
from the network: no intersphinx.
"""

import os
import re
from pathlib import Path

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
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.json", "auto_examples/*.md5",
                    "sg_execution_times.rst"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

templates_path = ["_templates"]
exclude_patterns += ["_templates"]

# Pages of the user guide's toctree that are written separately: a line of
# the toctree naming one whose file is not there yet is dropped at read time
# (see ``setup``), so the build passes with or without them.
OPTIONAL_PAGES = ["group", "standardization"]

autosummary_generate = True
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()

# Run every examples/plot_*.py; other scripts in examples/ are left out.
sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"(^|/)(?!plot_)[^/]*\.py$",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "show_memory": False,
    "abort_on_example_error": True,
    "reset_modules": ("matplotlib",),
}
os.environ.setdefault("MPLBACKEND", "Agg")

html_theme = "pydata_sphinx_theme"
html_title = f"fastreg {release}"
html_theme_options = {
    "navigation_depth": 2,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_static_path = []


def _drop_missing_pages(app, docname, source):
    if docname != "user_guide":
        return
    for page in OPTIONAL_PAGES:
        if not (Path(app.srcdir) / f"{page}.md").exists():
            source[0] = re.sub(rf"(?m)^{page}\n", "", source[0])


def setup(app):
    app.connect("source-read", _drop_missing_pages)

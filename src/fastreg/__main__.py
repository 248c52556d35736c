"""``python -m fastreg``: the command-line main job (see ``_cli.py``)."""

from ._cli import main

if __name__ == "__main__":
    raise SystemExit(main())

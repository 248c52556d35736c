"""The command-line main job (``python -m fastreg``) and its data readers."""

from ._main import main

__all__ = ["main"]

"""``wire``, loaded on first use: answering ``initialize`` should not pay for pydantic's models.

Modules write ``if TYPE_CHECKING: from . import wire`` / ``else: from ._lazy import wire`` so mypy sees
the real module while at run time the first attribute read imports it. The import is an ordinary
one, not importlib's ``LazyLoader``: that one (Python 3.11) marks the module loaded before running
it, so a second thread (the warm-up thread, an ``asyncio.to_thread`` worker) could read a
half-built module and fail with ``AttributeError``; the import system's per-module lock makes
every other thread wait until the module is whole.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule(ModuleType):
    """Stands for the module ``name``; the first attribute read imports it and copies its names."""

    def __getattr__(self, attr: str) -> Any:
        # Only called for names not yet copied: import (waiting for another thread's import to
        # finish), then keep the module's names so later reads are plain attribute reads.
        module = importlib.import_module(self.__name__)
        self.__dict__.update({k: v for k, v in vars(module).items() if not k.startswith("__")})
        return getattr(module, attr)


def lazy_module(name: str) -> ModuleType:
    """A stand-in for the module ``name`` that imports it when one of its attributes is first read."""
    return LazyModule(name)


wire = lazy_module("a3s_lsp.wire")

"""``wire``, loaded on first use: answering ``initialize`` should not pay for pydantic's models.

Modules write ``if TYPE_CHECKING: from . import wire`` / ``else: from ._lazy import wire`` so mypy sees
the real module while at run time the first attribute access loads it (importlib's LazyLoader).
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, executed only when one of its attributes is first read."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


wire = lazy_module("a3s_lsp.wire")

"""``a3s/debug/modules``: which of the named modules are loaded (used to check the lazy start)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .. import protocol as m
from ._wire import method

if TYPE_CHECKING:
    from .. import wire
    from ..server import A3SLanguageServer
else:
    from .._lazy import wire


def register(server: A3SLanguageServer) -> None:
    @method(server, m.DEBUG_MODULES, "DebugModulesParams")
    def modules(ls: A3SLanguageServer, p: wire.DebugModulesParams) -> wire.DebugModules:
        return wire.DebugModules(loaded=sorted(n for n in p.names if n in sys.modules))

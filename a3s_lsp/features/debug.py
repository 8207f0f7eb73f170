"""``a3s/debug/modules``: which of the named modules are loaded (used to check the lazy start)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from .. import protocol as m
from ..params import Params

if TYPE_CHECKING:
    from ..server import A3SLanguageServer


def register(server: A3SLanguageServer) -> None:
    @server.feature(m.DEBUG_MODULES)
    def modules(ls: A3SLanguageServer, params: Any) -> dict[str, Any]:
        names = [str(n) for n in Params(params, m.DEBUG_MODULES).opt_list("names")]
        return {"loaded": sorted(n for n in names if n in sys.modules)}

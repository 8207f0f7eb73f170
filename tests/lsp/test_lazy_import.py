"""The lazily imported ``wire`` module is whole for every thread that reads it, however they race."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from a3s_lsp._lazy import lazy_module


def test_threads_racing_for_a_lazy_module_never_see_it_half_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A module that takes a while to run and defines its last name at the end, like wire.py's
    # params_of after the pydantic models.
    (tmp_path / "slow_wire_for_test.py").write_text("import time\nfirst = 1\ntime.sleep(0.3)\nlast = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "slow_wire_for_test", raising=False)
    lazy = lazy_module("slow_wire_for_test")
    seen: list[object] = []
    errors: list[BaseException] = []

    def read(name: str) -> None:
        try:
            seen.append(getattr(lazy, name))
        except BaseException as exc:  # noqa: BLE001 - the failure is what the test looks for
            errors.append(exc)

    threads = [threading.Thread(target=read, args=("first" if i % 2 else "last",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(seen) == [1, 1, 1, 1, 2, 2, 2, 2]

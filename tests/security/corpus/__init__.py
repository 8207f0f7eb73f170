"""The hostile permission corpus (``shell.yaml``, ``paths.yaml``) and a loader that lays out its files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
FILES = ("shell.yaml", "paths.yaml")


@dataclass(frozen=True)
class Case:
    id: str
    policy: dict[str, Any]
    tool: str
    args: dict[str, Any]
    expect: frozenset[str]
    why: str
    layer: str = "permission"
    env: dict[str, str] | None = None
    row: int | None = None
    files: dict[str, str] | None = None
    symlinks: dict[str, str] | None = None

    def concrete_args(self, ws: Path) -> dict[str, Any]:
        """``{ws}`` and ``{outside}`` filled in."""
        return {k: fill(v, ws) if isinstance(v, str) else v for k, v in self.args.items()}

    def lay_out(self, base: Path) -> Path:
        """Creates ``base/ws`` (with ``src/``) and ``base/outside``, the case's files and links; returns ws."""
        ws, outside = base / "ws", base / "outside"
        (ws / "src").mkdir(parents=True, exist_ok=True)
        outside.mkdir(exist_ok=True)
        (outside / "victim.txt").write_text("untouched\n")
        for rel, text in (self.files or {}).items():
            path = base / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        for link, target in (self.symlinks or {}).items():
            path = base / link
            path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(fill(target, ws), path)
        return ws


def fill(text: str, ws: Path) -> str:
    return text.replace("{ws}", str(ws)).replace("{outside}", str(ws.parent / "outside"))


def load() -> list[Case]:
    cases: list[Case] = []
    for name in FILES:
        data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
        for raw in data["cases"]:
            raw = dict(raw)
            raw["expect"] = frozenset(raw["expect"])
            cases.append(Case(**raw))
    return cases

"""Every HCL sample in the docs and the README loads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from a3s_code.config import parse_config

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"```hcl\n(.*?)```", re.S)
SAMPLES = [(p, i, m) for p in DOCS for i, m in enumerate(FENCE.findall(p.read_text()))]


@pytest.mark.parametrize(("path", "index", "text"), SAMPLES, ids=[f"{p.name}#{i}" for p, i, _ in SAMPLES])
def test_hcl_samples_load(path: Path, index: int, text: str) -> None:
    parse_config(text, f"{path.name} sample {index}")

"""Every ```hcl block of the README and the docs loads with the engine's config parser."""

from __future__ import annotations

import pytest

from a3s_code.config import parse_config
from tests.docs.blocks import Block, all_blocks, ids

BLOCKS = all_blocks("hcl")


def claims(block: Block) -> bool:
    return block.lang == "hcl"


@pytest.mark.parametrize("block", BLOCKS, ids=ids(BLOCKS))
def test_hcl_sample_loads(block: Block) -> None:
    parse_config(block.code, block.where)

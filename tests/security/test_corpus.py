"""Every permission case of the hostile corpus, decided by PermissionPolicy as the corpus says.

Cases marked ``layer: boundary`` are the pipeline's (the workspace boundary is decided before rules)
and are run there; here they only have to be well-formed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from a3s_code.permissions import PermissionPolicy
from tests.security.corpus import Case, load

CASES = load()
PERMISSION = [c for c in CASES if c.layer == "permission"]
VERDICTS = {"allow", "ask", "deny", "refused"}


@pytest.mark.parametrize("case", PERMISSION, ids=[c.id for c in PERMISSION])
def test_policy_decides_the_case(tmp_path: Path, case: Case) -> None:
    ws = case.lay_out(tmp_path)
    policy = PermissionPolicy.from_config(**case.policy)
    decision = policy.check(case.tool, case.concrete_args(ws), ws, env=case.env or {})
    assert decision.verdict in case.expect, f"{case.why}: got {decision.verdict} ({decision.reason})"


def test_the_corpus_is_large_and_well_formed() -> None:
    assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"
    assert len(CASES) >= 150
    for case in CASES:
        assert case.expect and case.expect <= VERDICTS, case.id
        assert case.layer in ("permission", "boundary"), case.id
        assert ("refused" in case.expect) == (case.layer == "boundary"), case.id
        PermissionPolicy.from_config(**case.policy)
    rows = {c.row for c in CASES if c.row is not None}
    assert rows >= {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, (
        f"issue rows without a case: {sorted(set(range(1, 14)) - rows)}"
    )

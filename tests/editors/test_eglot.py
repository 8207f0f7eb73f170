"""Emacs 28 + eglot 1.9 (Debian elpa-eglot) with the shipped a3s.el, in --batch.

A turn longer than jsonrpc's 10 s request timeout still delivers its answer, and the agent's edit
to an open buffer with unsaved text lands and is reported to the agent as applied, although eglot
sends its didChange only from an idle timer (which a batch Emacs never runs).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import a3s_lsp
from tests import resident
from tests.docs.test_editors import ELPA, EMACS, has_eglot
from tests.fakellm import FakeLLM, Turn

PLUGIN = Path(a3s_lsp.__file__).parent / "editors" / "emacs"

pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(
        EMACS is None or not has_eglot(), reason="Emacs with eglot is not installed (.ci/run)"
    ),
]

SCRIPT = """
(dolist (dir (file-expand-wildcards "{elpa}/*")) (add-to-list 'load-path dir))
(add-to-list 'load-path {plugin})
(require 'a3s)
(setq eglot-confirm-server-initiated-edits nil eglot-sync-connect t)
(add-to-list 'eglot-server-programs '(python-mode . {command}))
(find-file "app.py")
(python-mode)
(goto-char (point-max))
(insert "# unsaved\\n")
(call-interactively #'eglot)
(defvar done nil)
(add-hook 'a3s-after-turn-functions (lambda (result) (setq done result)))
(a3s-prompt "Set y to 3")
(with-timeout (120 (error "no answer"))
  (while (not done) (accept-process-output nil 0.1)))
(with-temp-file "result.json"
  (insert (json-encode (list :result done
                             :buffer (with-current-buffer "app.py" (buffer-string))
                             :chat (with-current-buffer "*a3s*" (buffer-string))))))
(eglot-shutdown (eglot-current-server))
"""


def test_a_long_turn_answers_and_an_edit_eglot_applied_is_reported_applied(
    fake_llm_thread: FakeLLM, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "app.py").write_text("x = 1\ny = 2\n")
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm_thread.config(extra='permissions {\n  allow = ["edit", "read"]\n}\n'))
    fake_llm_thread.add(
        Turn.tool_call("read", {"file_path": "app.py"}),
        Turn.tool_call("edit", {"file_path": "app.py", "old_string": "y = 2", "new_string": "y = 3"}),
        Turn.text("Changed y to 3.", delay_s=11),  # past jsonrpc's 10 s request timeout
    )
    command = resident.command(
        ["-m", "a3s_lsp", "--config", str(config), "--log-file", str(tmp_path / "d.log")]
    )
    script = SCRIPT.format(
        elpa=ELPA,
        plugin=json.dumps(str(PLUGIN)),
        command="(" + " ".join(json.dumps(c) for c in command) + ")",
    )
    (root / "test.el").write_text(script)
    assert EMACS is not None
    done = subprocess.run(
        [EMACS, "--batch", "-Q", "-l", "test.el"], cwd=root, capture_output=True, text=True, timeout=180
    )
    assert (root / "result.json").exists(), f"emacs wrote no result: {done.stderr[-3000:]}"
    out = json.loads((root / "result.json").read_text())
    assert out["result"]["stopReason"] == "end_turn" and out["result"]["text"] == "Changed y to 3.", out
    assert out["buffer"] == "x = 1\ny = 3\n# unsaved\n"
    assert (root / "app.py").read_text() == "x = 1\ny = 2\n"  # unsaved: the editor owns the save
    told = json.dumps(fake_llm_thread.requests[2]["messages"][-1]["content"])
    assert "is_error" not in told or '"is_error": true' not in told, told
    assert "refused" not in told and "did not change" not in told and "y = 3" in told or "Replaced" in told, (
        told
    )
    assert "Changed y to 3." in out["chat"] and "✓ edit" in out["chat"]

"""The tests' fork server (tests/forkserver.py) runs ``python -m MODULE`` as a plain start would: same
output, exit status, folder and environment, and a killed launcher takes its process with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import forkserver

PROBE = "import os, sys; print(os.getcwd(), os.environ.get('A3S_PROBE'), sys.argv[1:])"


@pytest.mark.parametrize("text", ['{"b": [1, 2], "a": null}', "{not json"])
def test_a_forked_module_answers_and_exits_as_a_plain_start_does(text: str) -> None:
    plain = subprocess.run([sys.executable, "-m", "json.tool"], input=text, capture_output=True, text=True)
    forked = subprocess.run(
        forkserver.command(["-m", "json.tool"]), input=text, capture_output=True, text=True
    )
    assert (forked.returncode, forked.stdout, forked.stderr) == (plain.returncode, plain.stdout, plain.stderr)


def test_the_forked_process_gets_the_callers_folder_environment_and_arguments(tmp_path: Path) -> None:
    module = tmp_path / "probe_module.py"
    module.write_text(PROBE)
    env = dict(os.environ, A3S_PROBE="seen", PYTHONPATH=str(tmp_path))
    argv = ["-m", "probe_module", "one", "two"]
    # PYTHONPATH differs from the fork server's: the launcher starts the plain way, same answer
    plain = subprocess.run([sys.executable, *argv], cwd=tmp_path, env=env, capture_output=True, text=True)
    fallback = subprocess.run(forkserver.command(argv), cwd=tmp_path, env=env, capture_output=True, text=True)
    assert plain.stdout == fallback.stdout == f"{tmp_path} seen ['one', 'two']\n"
    # forked: the module is found from the caller's folder (sys.path[0], as with -m)
    del env["PYTHONPATH"]
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    forked = subprocess.run(forkserver.command(argv), cwd=tmp_path, env=env, capture_output=True, text=True)
    assert forked.stdout == f"{tmp_path} seen ['one', 'two']\n", forked.stderr


def test_killing_the_launcher_ends_the_forked_process(tmp_path: Path) -> None:
    (tmp_path / "waiter_module.py").write_text("import sys\nprint('ready', flush=True)\nsys.stdin.read()\n")
    launcher = subprocess.Popen(
        forkserver.command(["-m", "waiter_module"]),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=tmp_path,
    )
    assert launcher.stdout is not None and launcher.stdin is not None
    assert launcher.stdout.readline() == b"ready\n"  # it runs, and waits on its stdin (kept open)
    launcher.kill()
    launcher.wait(10)
    reader = subprocess.run(["timeout", "10", "cat"], stdin=launcher.stdout, capture_output=True)
    assert reader.returncode == 0  # EOF: no process holds stdout any more (124 would be the timeout)
    launcher.stdin.close()

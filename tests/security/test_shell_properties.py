"""Property tests of the shell analysis: real bash is the oracle for words, and a denied command stays
denied however it is wrapped, quoted or nested (the kind, not the examples)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from a3s_code.permissions import PermissionPolicy, analyse

BASH = shutil.which("bash")
SAFE = "abcxyz019_-.,/:=+@%"


def _ansi(text: str) -> str:
    return "$'" + "".join(f"\\x{ord(c):02x}" if i % 2 or c in "'\\" else c for i, c in enumerate(text)) + "'"


def _piece() -> st.SearchStrategy[str]:
    plain = st.text(SAFE, min_size=1, max_size=6)
    spaced = st.text(SAFE + " *?[]{}$`'\\~#;&|<>()", min_size=0, max_size=6)
    return st.one_of(
        plain,
        spaced.filter(lambda s: "'" not in s).map(lambda s: f"'{s}'"),
        spaced.map(lambda s: '"' + "".join("\\" + c if c in '"\\$`' else c for c in s) + '"'),
        st.text(SAFE + " '\"", min_size=1, max_size=4).map(_ansi),
        st.sampled_from(SAFE + "*?[]{}$'\"`;&|<>() ~#").map(lambda c: "\\" + c),
        st.lists(plain, min_size=2, max_size=3).map(lambda xs: "{" + ",".join(xs) + "}"),
        st.sampled_from(['"$V"', '"${V}"', '"${NOPE:-dflt}"']),
    )


WORD = st.lists(_piece(), min_size=1, max_size=4).map("".join).filter(lambda w: not w.startswith("{"))


@pytest.mark.skipif(BASH is None, reason="needs bash as the oracle")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(WORD)
def test_words_read_as_bash_reads_them(word: str) -> None:
    """Quote removal, ANSI-C escapes, brace expansion and variables agree with bash itself."""
    line = f"printf '%s\\0' {word}"
    env = {"V": "v a l", "PATH": "/usr/bin:/bin", "HOME": "/home/agent"}
    ran = subprocess.run(
        [str(BASH), "--norc", "--noprofile", "-c", line], capture_output=True, env=env, check=False
    )
    assert ran.returncode == 0, ran.stderr
    expected = ran.stdout.decode("utf-8", "surrogateescape").split("\0")[:-1]
    script = analyse(line, env)
    if script.problems:  # tree-sitter-bash cannot read a few words (`==`): then the call is asked
        assert (
            PermissionPolicy("bypass").check("bash", {"command": line}, Path("/tmp"), env=env).verdict
            == "ask"
        )
        return
    (command,) = script.commands
    assert [w.value for w in command.words[2:]] == expected


STD = PermissionPolicy.from_config(allow=["bash(*)"], deny=["bash(rm *)"])

NAMES = [
    "rm",
    '"rm"',
    "'r'm",
    'r""m',
    "r''m",
    "\\rm",
    "/bin/rm",
    "/usr/bin/rm",
    "$'\\x72m'",
    "$'\\162\\155'",
    "{rm,}",
]
PREFIXES = [
    "sudo -u root",
    "sudo --",
    "doas",
    "nice -n 5",
    "nice -5",
    "timeout 5",
    "timeout -s KILL 5s",
    "env X=1",
    "env -i",
    "nohup",
    "setsid -f",
    "stdbuf -oL",
    "ionice -c3",
    "command",
    "command -p",
    "builtin command",
    "exec -a ls",
    "busybox",
    "flock /tmp/lock",
    "chrt -f 10",
    "taskset -c 0",
    "firejail --quiet",
    "unshare -r",
    "strace -f",
    "time",
    "xargs -0",
    "xargs -I{}",
    "uv run",
    "runuser -u nobody --",
]
SCRIPTED = [
    "bash -c {}",
    "bash -lc {}",
    "sh -ec {}",
    "zsh -xc {}",
    "bash -o errexit -c {}",
    "eval {}",
    "su -c {}",
    "su - root -c {}",
    "ssh host {}",
    "watch -n 1 {}",
    "script -qc {} /dev/null",
    "flock /tmp/l -c {}",
    "trap {} EXIT",
    "parallel ::: {}",
    "find . -exec sh -c {} \\;",
    "tar --to-command={} -xf a.tar",
    "git -c core.sshCommand={} fetch",
    "git fetch --upload-pack={}",
]
AROUND = [
    "{{ {}; }}",
    "( {} )",
    "if true; then {}; fi",
    "while false; do :; done; {}",
    "ls && {}",
    "ls || {}",
    "ls; {}",
    "ls | {}",
    "{} & wait",
    "echo $( {} )",
    "echo `{}`",
    "cat <({})",
    "f() {{ {}; }}; f",
    "for i in 1 2; do {}; done",
    "case x in x) {};; esac",
    "! {}",
    "x=$( {} )",  # "$((" would be arithmetic, which runs nothing
    "sh <<'EOF'\n{}\nEOF",
    "cat <<'EOF' | bash\n{}\nEOF",
    "echo {} | sh",
]


@st.composite
def hostile(draw: st.DrawFn, core: str) -> str:
    name, rest = core.split(" ", 1)
    command = f"{draw(st.sampled_from(NAMES)) if name == 'rm' else name} {rest}"
    simple = True
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["prefix", "script", "around"]))
        if kind == "prefix" and simple:  # a wrapper runs a program, not a `{ …; }` group
            command = f"{draw(st.sampled_from(PREFIXES))} {command}"
            if "$'" not in command and "{" not in command and draw(st.booleans()):  # env -S: no $'' or {a,b}
                command = f"env -S {shlex.quote(command)}"
        elif kind in ("prefix", "script"):
            command = draw(st.sampled_from(SCRIPTED)).replace("{}", shlex.quote(command))
            simple = True
        else:
            simple = False
            template = draw(st.sampled_from(AROUND)).replace("EOF", f"EOF{len(command)}")
            if "`" in command:  # backquotes do not nest without escapes
                template = template.replace("`{}`", "$( {} )")
            inner = shlex.quote(command) if template.startswith("echo {}") else command
            command = template.replace("{{", "\0").replace("}}", "\1").replace("{}", inner)
            command = command.replace("\0", "{").replace("\1", "}")
    return command


@settings(max_examples=400, deadline=None)
@given(hostile("rm -rf build"))
def test_a_denied_command_stays_denied_however_it_is_dressed(command: str) -> None:
    decision = STD.check("bash", {"command": command}, Path("/tmp/ws"), env={"HOME": "/home/agent"})
    assert decision.verdict == "deny", f"{command!r}: {decision.reason}"


@settings(max_examples=300, deadline=None)
@given(hostile("ls -la"))
def test_a_harmless_command_is_never_denied_by_its_dress(command: str) -> None:
    decision = STD.check("bash", {"command": command}, Path("/tmp/ws"), env={"HOME": "/home/agent"})
    assert decision.verdict != "deny", f"{command!r}: {decision.reason}"


@settings(max_examples=200, deadline=None)
@given(hostile("rm -rf /"))
@example(
    "case x in x) ! { ( rm -rf / ); };; esac"
)  # tree-sitter-bash: `{` a command, the subshell its argument
def test_the_guardrail_holds_in_bypass_mode_however_dressed(command: str) -> None:
    bypass = PermissionPolicy("bypass")
    decision = bypass.check("bash", {"command": command}, Path("/tmp/ws"), env={"HOME": "/home/agent"})
    assert decision.verdict == "deny", f"{command!r}: {decision.reason}"

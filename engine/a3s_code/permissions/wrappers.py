"""The wrapper table: programs that run another command given in their arguments, as data.

Each entry says how to find the command a wrapper runs, so permission rules see ``rm`` in
``sudo -u root nice -n 5 timeout 3 rm -rf x``. Options are read the way getopt reads them (POSIX
``getopt`` and GNU ``getopt_long``): ``-n5`` and ``-n 5``, clusters ``-lc``, ``--opt=value``, ``--``.
Sources: each program's manual page (coreutils, util-linux, sudo, findutils, GNU parallel, OpenSSH).
Documented, row by row, in docs/security.md ("The wrapper table"); a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

How = str
"""``argv``: the words after options and operands are the command. ``joined``: they are joined with
spaces and run by a shell (``watch``, ``ssh host cmd``). ``self``: the program runs, but some option
values are command lines (``tar --to-command``). Special forms have their own name: ``shell``,
``env``, ``find``, ``xargs``, ``parallel``, ``su``."""


@dataclass(frozen=True)
class Wrapper:
    names: tuple[str, ...]
    how: How = "argv"
    values: frozenset[str] = frozenset()
    """Options that take a value (``-n 5``, ``-n5``, ``--adjustment=5``)."""
    scripts: frozenset[str] = frozenset()
    """Options whose value is a shell command line (``su -c``, ``flock -c``, ``tar --to-command``)."""
    operands: int = 0
    """Operands before the command: ``timeout DURATION``, ``chroot NEWROOT``, ``ssh HOST``."""
    no_command: frozenset[str] = frozenset()
    """Options after which nothing is run (``command -v``, ``taskset -p``)."""
    joined_by: frozenset[str] = frozenset()
    """Options that make the rest a shell command line (``sudo -s``, ``sudo -i``)."""
    default: tuple[str, ...] = ()
    """What runs when no command is given (``xargs`` runs ``echo``; ``chroot`` a shell)."""
    privileged: bool = False
    config: frozenset[str] = frozenset()
    """``-o ProxyCommand=...`` style: option whose ``KEY=VALUE`` value may be a command line."""
    config_keys: tuple[str, ...] = ()
    """Lower-case keys (a trailing ``.`` is a prefix) whose values are command lines."""
    writes: frozenset[str] = frozenset()
    """Options whose value is a file the program writes (``time -o``, ``strace -o``)."""
    note: str = field(default="", compare=False)


def _s(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SHELL_VALUES = _s("-o +o -O +O --rcfile --init-file")
_GIT_KEYS = (
    "alias.",
    "core.sshcommand",
    "core.pager",
    "core.editor",
    "core.fsmonitor",
    "core.hookspath",
    "sequence.editor",
    "diff.external",
    "gpg.program",
    "credential.helper",
    "pager.",
    "filter.",
    "uploadpack.packobjectshook",
)

WRAPPERS: tuple[Wrapper, ...] = (
    Wrapper(
        ("sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "yash", "posh", "rbash", "fish", "csh", "tcsh"),
        "shell",
        _SHELL_VALUES,
        note="any short-option group holding `c` is `-c`; no script: reads stdin",
    ),
    Wrapper(
        ("env",),
        "env",
        _s("-u --unset -C --chdir -P -a --argv0 --default-signal --ignore-signal --block-signal"),
        note="`NAME=value` words skipped; `-S`/`--split-string` split into words",
    ),
    Wrapper(("command",), values=_s(""), no_command=_s("-v -V"), note="`-v`/`-V` only look the name up"),
    Wrapper(("builtin",)),
    Wrapper(("exec",), values=_s("-a"), note="`-a NAME` sets argv[0]"),
    Wrapper(
        (
            "nohup",
            "setsid",
            "noglob",
            "nocorrect",
            "catchsegv",
            "dbus-run-session",
            "busybox",
            "toybox",
            "fakeroot-ng",
            "valgrind",
            "firejail",
            "setpriv",
            "coproc",
        )
    ),
    Wrapper(("nice",), values=_s("-n --adjustment")),
    Wrapper(
        ("ionice",),
        values=_s("-c --class -n --classdata -p --pid -P --pgid -u --uid"),
        no_command=_s("-p -P -u --pid --pgid --uid"),
    ),
    Wrapper(("taskset",), operands=1, no_command=_s("-p --pid")),
    Wrapper(
        ("chrt",),
        values=_s("-T -P -D --sched-runtime --sched-period --sched-deadline"),
        operands=1,
        no_command=_s("-p --pid -m --max"),
    ),
    Wrapper(("stdbuf",), values=_s("-i -o -e --input --output --error")),
    Wrapper(("timeout",), values=_s("-s --signal -k --kill-after"), operands=1),
    Wrapper(
        ("flock",),
        values=_s("-w --timeout --wait -E --conflict-exit-code"),
        scripts=_s("-c --command"),
        operands=1,
        note="a lone file-descriptor operand runs nothing",
    ),
    Wrapper(
        ("watch",),
        "joined",
        _s("-n --interval -q --equexit"),
        note="`-x`/`--exec` runs the words without a shell",
    ),
    Wrapper(
        ("xargs",),
        "xargs",
        _s(
            "-a --arg-file -d --delimiter -E --eof -I --replace -L --max-lines -n --max-args "
            "-P --max-procs -s --max-chars --process-slot-var"
        ),
        default=("echo",),
    ),
    Wrapper(
        ("parallel", "sem"),
        "parallel",
        _s(
            "-j --jobs -P -S --sshlogin -N -n --max-args -L --max-lines -a "
            "--arg-file -d --delimiter -E -I --replace --joblog --results "
            "--tmpdir --workdir --wd --sshloginfile --timeout --delay"
        ),
    ),
    Wrapper(("find",), "find", note="`-exec`/`-execdir`/`-ok`/`-okdir` … `;` or `+`; `-fprint FILE` writes"),
    Wrapper(("chroot",), values=_s("--userspec --groups"), operands=1, default=("sh",), privileged=True),
    Wrapper(
        ("unshare",),
        values=_s(
            "-S --setuid -G --setgid -R --root -w --wd --propagation --setgroups "
            "--map-user --map-group --map-users --map-groups"
        ),
        default=("sh",),
    ),
    Wrapper(
        ("nsenter",),
        values=_s("-t --target -S --setuid -G --setgid --wd -e --env"),
        default=("sh",),
        privileged=True,
    ),
    Wrapper(
        ("sudo",),
        values=_s(
            "-u --user -g --group -C --close-from -D --chdir -h --host -p --prompt -U "
            "--other-user -r --role -t --type -T --command-timeout -R --chroot"
        ),
        no_command=_s("-l --list -v --validate -k -K --remove-timestamp"),
        joined_by=_s("-s --shell -i --login"),
        privileged=True,
    ),
    Wrapper(("doas",), values=_s("-u -C"), joined_by=_s("-s"), privileged=True),
    Wrapper(("pkexec",), values=_s("--user"), privileged=True),
    Wrapper(
        ("su", "runuser"),
        "su",
        _s("-g --group -G --supp-group -s --shell -w --whitelist-environment -u --user"),
        _s("-c --command --session-command"),
        privileged=True,
        note="`su [user] -c CMD`; `runuser -u USER CMD`",
    ),
    Wrapper(("sg",), "joined", operands=1, privileged=True),
    Wrapper(
        ("script",),
        values=_s("-E --echo -I --log-in -O --log-out -B --log-io -T --log-timing -m --logging-format"),
        scripts=_s("-c --command"),
        note="the log file operand is written, nothing else runs",
    ),
    Wrapper(
        ("ssh",),
        "joined",
        _s("-b -c -D -E -e -F -I -i -J -L -l -m -O -p -Q -R -S -W -w -B"),
        operands=1,
        config=_s("-o"),
        config_keys=("proxycommand", "localcommand", "knownhostscommand", "remotecommand"),
        note="the remote command is checked like a local one; `-o ProxyCommand=` runs locally",
    ),
    Wrapper(("strace", "ltrace"), values=_s("-e -p -s -u -E -a -O -S -X -P -I -b -n -l"), writes=_s("-o")),
    Wrapper(("time", "gtime"), values=_s("-f --format"), writes=_s("-o --output")),
    Wrapper(
        ("systemd-run",),
        values=_s(
            "-p --property -E --setenv -u --unit --uid --gid --nice --working-directory "
            "-M --machine --description --slice --on-calendar"
        ),
        privileged=True,
    ),
    Wrapper(("fakeroot",), values=_s("-l --lib --faked -s -i")),
    Wrapper(("proxychains", "proxychains4"), values=_s("-f")),
    Wrapper(("torsocks",), values=_s("-u --user -p --pass -a --address -P --port")),
    Wrapper(
        ("numactl",),
        values=_s("-N --cpunodebind -m --membind -i --interleave -p --preferred -C --physcpubind"),
    ),
    Wrapper(("prlimit",), values=_s("-p --pid")),
    Wrapper(("cgexec",), values=_s("-g")),
    Wrapper(
        ("xvfb-run",),
        values=_s("-n --server-num -s --server-args -f --auth-file -e --error-file -p --xauth-protocol"),
    ),
    Wrapper(
        ("tar", "gtar", "bsdtar"),
        "self",
        scripts=_s("--to-command -I --use-compress-program --info-script -F --new-volume-script"),
        note="`--checkpoint-action=exec=CMD` too",
    ),
    Wrapper(("rsync",), "self", scripts=_s("-e --rsh --rsync-path")),
    Wrapper(
        ("git",),
        "self",
        _s("-C --git-dir --work-tree --namespace --exec-path"),
        config=_s("-c"),
        scripts=_s("--upload-pack --receive-pack --exec"),
        config_keys=_GIT_KEYS,
        note="`-c alias.x=!cmd`, `-c core.sshCommand=…` and other command-valued keys",
    ),
)
"""Every wrapper, one row each; ``names`` are matched after the program's directory is removed."""

BY_NAME: dict[str, Wrapper] = {name: w for w in WRAPPERS for name in w.names}

SUBCOMMAND_WRAPPERS: dict[tuple[str, str], frozenset[str]] = {
    ("uv", "run"): _s(
        "--with --python -p --env-file --project --directory --package --extra --group --index "
        "--with-requirements --with-editable"
    ),
    ("poetry", "run"): frozenset(),
    ("pipenv", "run"): frozenset(),
    ("pdm", "run"): frozenset(),
    ("hatch", "run"): frozenset(),
    ("bundle", "exec"): frozenset(),
    ("npm", "exec"): _s("--package -p -c --call"),
    ("nix-shell", "--run"): frozenset(),
}
"""``uv run CMD``: a subcommand that runs the rest (value options listed)."""

INTERPRETERS: dict[str, frozenset[str]] = {
    "python": _s("-c"),
    "perl": _s("-e -E"),
    "ruby": _s("-e"),
    "node": _s("-e --eval -p --print"),
    "nodejs": _s("-e --eval -p --print"),
    "bun": _s("-e --eval -p --print"),
    "deno": _s("eval"),
    "php": _s("-r"),
    "lua": _s("-e"),
    "luajit": _s("-e"),
    "rscript": _s("-e"),
    "osascript": _s("-e"),
    "pwsh": _s("-c -command -encodedcommand -ec"),
    "powershell": _s("-c -command -encodedcommand -ec"),
    "tclsh": frozenset(),
    "vim": _s("-c --cmd"),
    "nvim": _s("-c --cmd"),
    "vi": _s("-c --cmd"),
    "ex": _s("-c --cmd"),
    "emacs": _s("--eval -eval"),
    "gdb": _s("-ex --ex -eval-command --eval-command"),
}
"""Programs that run code given inline (``python -c``): that code is not shell, so the call is asked.
``python3.12`` and the like are matched by their stem; reading code from standard input counts too."""

AWK = frozenset({"awk", "gawk", "mawk", "nawk", "busybox-awk"})
"""awk runs commands through ``system()``, ``|`` and ``getline``: such programs are asked."""

CD = frozenset({"cd", "pushd", "popd"})
"""Builtins that move the working directory later redirections are relative to."""

"""The guardrail: a short list of catastrophic commands refused in every mode, ``bypass`` included.

It is a last line, not a sandbox: it names commands whose only honest use on a developer's machine
is a mistake (wiping the disk, the home folder or the system). No rule or mode allows them. The list
is documented in docs/security.md ("The guardrail"). Paths are read with variables and ``~``
filled in from the environment the command runs in, so ``rm -rf "$HOME"`` and ``rm -rf $UNSET/``
(which is ``rm -rf /``) are caught too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from .commands import SimpleCommand
from .words import Word

SYSTEM_DIRS = frozenset(
    [
        "/",
        "/bin",
        "/boot",
        "/dev",
        "/etc",
        "/home",
        "/lib",
        "/lib32",
        "/lib64",
        "/libx32",
        "/opt",
        "/proc",
        "/root",
        "/run",
        "/sbin",
        "/srv",
        "/sys",
        "/usr",
        "/var",
        "/usr/bin",
        "/usr/lib",
        "/usr/local",
        "/usr/sbin",
        "/usr/share",
        "/var/lib",
        "/Users",
        "/System",
        "/Applications",
        "/Library",
    ]
)
"""Deleting, moving away or re-owning these (recursively) breaks the machine."""
BLOCK_DEVICE = re.compile(r"^/dev/(sd|hd|vd|xvd|nvme|mmcblk|md|dm-|loop|disk/|mapper/|sr|mem$|kmem$|port$)")
"""Raw disks and memory: writing them destroys file systems."""
MKFS = re.compile(r"^(mkfs(\..+)?|mke2fs|mkswap|mkdosfs|mkntfs|mkexfatfs|wipefs|blkdiscard|sgdisk|sfdisk)$")
POWER = frozenset({"shutdown", "reboot", "halt", "poweroff"})
RECURSIVE = {
    "rm": {"-r", "-R", "--recursive"},
    "chmod": {"-R", "--recursive"},
    "chown": {"-R", "--recursive"},
    "chgrp": {"-R", "--recursive"},
}


def catastrophic(command: SimpleCommand, env: Mapping[str, str]) -> str | None:
    """Why ``command`` is on the guardrail list, or None. ``env``: the environment it runs in."""
    if command.dynamic or not command.words:
        return None
    name = command.name
    args = command.words[1:]
    flags = _flags(args)
    operands = [w for w in args if not w.text.startswith("-") or w.text == "-"]
    if name == "rm" and "--no-preserve-root" in flags:
        return "rm --no-preserve-root"
    if name in RECURSIVE and flags & RECURSIVE[name]:
        targets = operands[1:] if name in ("chmod", "chown", "chgrp") else operands
        hit = _vital(targets, env)
        if hit:
            return f"{name} -r on {hit}"
    if name == "mv" and operands[:-1]:
        hit = _vital(operands[:-1], env)
        if hit:
            return f"mv of {hit}"
    if name == "find" and any(w.text == "-delete" for w in args):
        hit = _vital(operands[:1], env)
        if hit:
            return f"find {hit} -delete"
    if MKFS.match(name):
        devices = [w for w in operands if _device(w)]
        if devices or not operands:
            return f"{name} formats a disk"
    if name == "dd":
        for word in args:
            if word.text.startswith("of=") and BLOCK_DEVICE.match(_path(word)[3:] if word.value else ""):
                return f"dd writes the raw device {word.text[3:]}"
    if name in ("shred", "cp", "tee", "cat", "pv") and any(
        _device(w) for w in operands[-1:] if name != "cat"
    ):
        return f"{name} overwrites a raw device"
    if name in POWER or (name == "init" and [w.text for w in operands] in (["0"], ["6"])):
        return f"{name} stops the machine"
    if name == "systemctl" and any(w.text in ("poweroff", "reboot", "halt", "kexec") for w in operands):
        return "systemctl stops the machine"
    if name == "kill" and any(w.text == "-1" for w in args):
        return "kill -1 signals every process"
    return None


def catastrophic_write(target: Word) -> str | None:
    """A redirection straight into a disk (``> /dev/sda``)."""
    return f"writing the raw device {target.value}" if _device(target) else None


def fork_bomb(functions: dict[str, str]) -> str | None:
    """A function that pipes itself into itself or starts itself in the background more than once
    (``:(){ :|:& };:``, ``bomb() { bomb | bomb & }``)."""
    for name, body in functions.items():
        me = rf"(?<![\w.:-]){re.escape(name)}(?![\w.:-])"
        piped = re.search(rf"{me}\s*\|\s*{me}", body)
        background = len(re.findall(rf"{me}\s*&(?!&)", body))
        if piped or background >= 2:
            return f"the function {name} starts copies of itself without end (a fork bomb)"
    return None


def _flags(args: list[Word]) -> set[str]:
    out: set[str] = set()
    for word in args:
        text = word.text
        if text == "--":
            break
        if text.startswith("--"):
            out.add(text.split("=", 1)[0])
        elif text.startswith("-") and len(text) > 1:
            out.update("-" + c for c in text[1:])
    return out


def _path(word: Word) -> str:
    return word.value if word.value is not None else word.text


def _device(word: Word) -> bool:
    return word.value is not None and bool(BLOCK_DEVICE.match(word.value))


def _vital(targets: list[Word], env: Mapping[str, str]) -> str | None:
    home = os.path.normpath(env.get("HOME") or os.path.expanduser("~"))
    for word in targets:
        if word.value is None:
            continue
        raw = word.value
        if not raw.startswith("/"):
            continue
        if word.glob:  # `/*`, `~/*`: the folder whose every entry goes
            raw = re.split(r"[*?\[]", raw, maxsplit=1)[0].rsplit("/", 1)[0] or "/"
        path = os.path.normpath(raw)
        path = "/" if path.startswith("//") else path
        if path in SYSTEM_DIRS or path == home or (home.startswith(path + "/") and path != ""):
            return word.text
    return None

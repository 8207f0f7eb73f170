"""File listings through ripgrep, split so that most of the walk does not pay for leaving out ``.git``.

The workspace rules (``RG_WORKSPACE_RULES``) keep ``.git`` out with an override glob, and rg matches
every entry it walks against it: a listing under those rules takes 1.1-1.25x a plain ``rg --files``.
A folder named on rg's command line is walked without being matched itself (ripgrep's ``ignore``
crate applies ignore rules to the entries it finds, not to the paths it is given). So, when the
whole workspace is listed, its subfolders that no ignore rule can name ("free" subfolders) are listed by one rg run without
the override, and a second run, at the same time, lists everything else under the full rules with
those subfolders pruned (``--glob '!/<folder>'``). The union is the listing one run under the full
rules gives; ``.git`` folders nested in a free subfolder (a vendored clone) are walked but dropped
from the output. Only big repositories are split (``SPLIT_FROM_TRACKED``): for a small tree the second
process costs more than the override.

A subfolder is free when no segment of any pattern in any ignore file rg reads for it matches its
name: ``.rgignore``, ``.ignore`` and ``.gitignore`` in the workspace and every folder above it,
``info/exclude`` of a repository there, and every global excludes file git or rg may use
(``core.excludesFile`` of ``$GIT_CONFIG_GLOBAL``, ``~/.gitconfig``, ``$XDG_CONFIG_HOME/git/config``,
the system config, and ``$XDG_CONFIG_HOME/git/ignore``). Matching is by segment, case-insensitive,
and a pattern with escapes, classes or alternatives, one that is only ``**``, or one that starts with
``**/`` and has more segments (see ``_segments``) names every folder:
the test errs towards the full-rules run, which is always right, just slower.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from ..errors import ToolError
from ._proc import captured
from ._text import RG_WORKSPACE_RULES

LISTING_THREADS = ("--threads", "8") if (os.cpu_count() or 1) < 8 else ()
"""rg walks with one thread per core (at most 12). A listing waits on directory reads more than on the
CPU, so on a small machine more walkers finish sooner: listing 100,000 files under the tool's rules on
2 cores took 0.89x the time with 8 threads (40 paired runs, page cache warm)."""

SPLIT_FROM_TRACKED = 30_000
"""The split pays from about this many files: a second rg process costs about 4.5 ms on 2 cores, and the
override costs about 0.14 us an entry. The size is the count of files git tracks in the repository the
folder is in (its index header); outside a repository, or below this, one run lists everything."""

_MAX_FREE = 2000  # subfolders named on one command line; the rest are walked by the full-rules run
_IGNORE_FILES = (".rgignore", ".ignore", ".gitignore")
_NOT_PLAIN = re.compile(r"[*?\[\]{}\\!\x00-\x1f\x7f]|\s$")
_EXCLUDES_FILE = re.compile(r"^\s*excludesfile\s*=\s*(.*?)\s*$", re.IGNORECASE | re.MULTILINE)
_GIT_SEGMENT = b".git"


async def list_files(rg: str, root: Path, start: str, extra: Sequence[str] = ()) -> bytes:
    """rg's listing of the files under ``root / start`` (``start`` is ``""`` or a workspace-relative
    folder) under ``RG_WORKSPACE_RULES`` plus ``extra`` arguments (which may only narrow the files
    listed, e.g. a ``--type``): paths relative to ``root``, each ending in a newline, in no order.

    Raises ToolError when rg fails."""
    rest = [rg, "--files", "--no-messages", *RG_WORKSPACE_RULES, *LISTING_THREADS, *extra]
    if start:
        # A start folder is an explicit root already; its subfolders are not split off: ripgrep 14
        # matches paths inside a nested repository under an explicit root against the ignore files
        # above it with a folder missing, so a second explicit root could list what one run does not.
        return await _listed([*rest, "--", start], root)
    free: list[str] = []
    if not os.environ.get("RIPGREP_CONFIG_PATH") and tracked_files(root) >= SPLIT_FROM_TRACKED:
        free = free_subfolders(root)[:_MAX_FREE]
    if not free:
        return await _listed(rest, root)
    for name in free:
        rest += ["--glob", f"!/{name}"]
    walk_free = [rg, "--files", "--no-messages", "--hidden", "--no-require-git", *LISTING_THREADS]
    walk_free += [*extra, "--", *free]
    rest_out, free_out = await asyncio.gather(_listed(rest, root), _listed(walk_free, root))
    return rest_out + _without_git(free_out)


async def _listed(args: list[str], cwd: Path) -> bytes:
    code, out = await captured(args, cwd)
    if code not in (0, 1):
        raise ToolError(f"ripgrep failed listing files (exit {code})")
    return out


def _without_git(out: bytes) -> bytes:
    """``out`` without paths that have a ``.git`` segment (a nested repository's own files)."""
    if _GIT_SEGMENT not in out:
        return out
    paths = out.split(b"\n")
    paths.pop()
    kept = [path for path in paths if _GIT_SEGMENT not in path or _GIT_SEGMENT not in path.split(b"/")]
    return b"".join(path + b"\n" for path in kept)


def tracked_files(folder: Path) -> int:
    """How many files git tracks in the repository ``folder`` is in: the entry count in its index
    header (git's index format: ``DIRC``, a 4-byte version, a 4-byte big-endian count); 0 outside a
    repository or when the index is missing or unreadable."""
    for directory in (folder, *folder.parents):
        try:
            git_dir = _git_dir(directory / ".git")
            if git_dir is None:
                continue
            with (git_dir / "index").open("rb") as file:
                head = file.read(12)
        except (OSError, ValueError):  # UnicodeDecodeError is a ValueError
            return 0
        return int.from_bytes(head[8:12], "big") if head[:4] == b"DIRC" and len(head) == 12 else 0
    return 0


def _git_dir(dot_git: Path) -> Path | None:
    """The git folder a ``.git`` entry is, or names (``gitdir: <path>`` in the ``.git`` file of a
    worktree or submodule); None when there is no ``.git``. Raises OSError when it cannot be read and
    ValueError when the file names no folder."""
    if dot_git.is_dir():
        return dot_git
    if not dot_git.exists():
        return None
    text = dot_git.read_text("utf-8").strip()
    if not text.startswith("gitdir:"):
        raise ValueError(f"{dot_git} names no git folder")
    return dot_git.parent / text.removeprefix("gitdir:").strip()


def free_subfolders(folder: Path) -> list[str]:
    """The names of ``folder``'s subfolders (not symlinks, not ``.git``) that no ignore rule rg reads
    for them can name, sorted; ``[]`` when an ignore source cannot be read or understood."""
    try:
        names = sorted(
            entry.name
            for entry in os.scandir(folder)
            if entry.name != ".git" and entry.is_dir(follow_symlinks=False) and _plain(entry.name)
        )
    except OSError:
        return []
    if not names:
        return []
    patterns = _patterns(folder)
    if patterns is None:
        return []
    naming = _naming_regex(tuple(patterns))
    if naming is None:
        return []
    return [name for name in names if not naming.fullmatch(name)]


def _plain(name: str) -> bool:
    """Whether ``name`` can be written as a literal override glob (and passed to rg as UTF-8)."""
    if _NOT_PLAIN.search(name) or name.startswith("#"):
        return False
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by os.fsdecode as surrogates
        return False
    return True


def _patterns(folder: Path) -> list[str] | None:
    """Every pattern line of every ignore source rg may apply to ``folder``'s entries, or None when one
    of them exists but cannot be read."""
    sources: list[Path] = []
    seen: set[Path] = set()
    for start in (folder, folder.resolve()):
        for directory in (start, *start.parents):
            if directory in seen:
                continue
            seen.add(directory)
            sources += [directory / name for name in _IGNORE_FILES]
            excludes = _repository_excludes(directory / ".git")
            if excludes is None:
                return None
            sources += excludes
    global_files = _global_excludes()
    if global_files is None:
        return None
    lines: list[str] = []
    for source in (*sources, *global_files):
        try:
            data = source.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            return None
        lines += data.decode("utf-8", "surrogateescape").removeprefix("\ufeff").splitlines()
    return lines


def _repository_excludes(dot_git: Path) -> list[Path] | None:
    """``info/exclude`` of the repository whose ``.git`` is ``dot_git`` (in its git folder, or for a
    worktree in the shared ``commondir`` too); None if unreadable."""
    try:
        git_dir = _git_dir(dot_git)
    except (OSError, ValueError):
        return None
    if git_dir is None:
        return []
    found = [git_dir / "info" / "exclude"]
    try:
        common = (git_dir / "commondir").read_text("utf-8").strip()
    except FileNotFoundError:
        return found
    except (OSError, ValueError):
        return None
    return [*found, git_dir / common / "info" / "exclude"]


def _global_excludes() -> list[Path] | None:
    """Every global excludes file git or ripgrep may read (their choice among these differs between
    versions, so all are taken), or None when a configured one cannot be located."""
    home = Path(os.environ.get("HOME") or Path.home())
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    configs = [
        Path(os.environ.get("GIT_CONFIG_GLOBAL") or home / ".gitconfig"),
        home / ".gitconfig",
        xdg / "git" / "config",
        Path(os.environ.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig"),
    ]
    files = [xdg / "git" / "ignore"]
    for config in configs:
        try:
            text = config.read_text("utf-8", "surrogateescape")
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            return None
        for value in _EXCLUDES_FILE.findall(text):
            value = value.strip('"').strip()
            path = Path(str(home) + value[1:]) if value.startswith("~") else Path(value)
            if not path.is_absolute():
                return None
            files.append(path)
    return files


@lru_cache(maxsize=32)
def _naming_regex(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex matching every folder name some segment of ``patterns`` names, or None when some
    pattern may name any folder."""
    alternatives: set[str] = set()
    for segments in map(_segments, patterns):
        if segments is None:
            return None
        alternatives.update(map(_segment_regex, segments))
    if not alternatives:
        return re.compile(r"(?!)")
    return re.compile("|".join(sorted(alternatives)), re.IGNORECASE | re.DOTALL)


def _segments(line: str) -> Iterable[str] | None:
    """The segments of one ignore-file line that could match a folder's name ([] for blank lines and
    comments), or None when the line is beyond this plain reading."""
    line = line.rstrip("\r").rstrip(" \t")
    if not line or line.startswith("#"):
        return []
    line = line.removeprefix("!")
    if any(char in line for char in "\\[]{}") or any(ord(char) < 32 for char in line):
        return None
    if line.lstrip("/").startswith("**/") and "/" in line.lstrip("/")[3:].rstrip("/"):
        # '**/lib/*.py': ripgrep 14 matches it wrongly inside a nested repository under a folder named
        # on its command line (a path with a folder missing), so no subfolder is split off for it
        return None
    segments = [segment for segment in line.split("/") if segment and segment != "**"]
    return segments or None


def _segment_regex(segment: str) -> str:
    """A gitignore segment as a regex over one name: ``*`` (and ``**`` within a segment) any run of
    characters, ``?`` any one character, everything else literal."""
    parts = []
    for char in re.sub(r"\*+", "*", segment):
        parts.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
    return "(?:" + "".join(parts) + ")"

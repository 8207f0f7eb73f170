"""Checkpoints for what a shell command changed: the workspace's files compared before and after.

``bash`` (and the ``sandbox`` tool) write files behind the session's ``FileSystem``, so
``RecordingFileSystem`` never sees those writes. Around each such call (``Tool.shell``; the pipeline's
``_execute``, so the local executor, bubblewrap and an external lane's worker all count) this module:

1. lists each workspace root's files the way ripgrep does (``rg --files --hidden``: ``.gitignore``,
   ``.ignore`` and ``.git/info/exclude`` honoured, ``.git`` left out), at most ``max_files`` of them,
   and ``lstat``\\ s each: the *manifest*, path -> (size, mtime_ns, inode). Symlinks are left out;
2. makes sure the content of each listed file can be had later, without copying the tree:
   in a git repository a file git reports clean against the index (``git status``, run with
   ``--no-optional-locks`` so it writes nothing) is read back from its index blob with
   ``git cat-file --filters`` (read-only; the worktree's line endings and filters apply, and the
   size must match the manifest's). Any other file (untracked, modified, outside git) is copied into a
   bounded content store once per (path, size, mtime_ns, inode), so later calls cost a ``stat``;
3. runs the command, lists and ``lstat``\\ s again, and hands each file whose stat changed, which
   appeared or which went away to the turn's checkpoint (``CheckpointStore``): bytes before and after,
   or, when the before-state cannot be had (over ``max_file_bytes``, the store full, not listed), a
   ``FileChange`` whose ``note`` says why, which ``rewind`` reports instead of skipping it.

Nothing writes to git: no stash, no commit, no index, no refs. A command that only reads (every simple
command a known reader, no redirection to a file, no function; read with the permission checker's
shell analysis) is run without the scans; this only saves time and never refuses anything.
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from .checkpoints import CheckpointStore, digest
from .tools._proc import captured

log = logging.getLogger("a3s_code.shellwatch")
T = TypeVar("T")
Stat = tuple[int, int, int]
"""(size in bytes, mtime in ns, inode)."""

MAX_FILES = 200_000
"""Files listed per root; past that the rest of the root is not watched (and the docs say so)."""
TOO_BIG = "changed by bash; too big to keep (checkpoints max_file_mb), cannot be restored"
CACHE_BYTES = 64 * 1024 * 1024
"""The content store's bound (distinct contents kept for untracked or modified files)."""


@dataclass
class Manifest:
    """One scan of the roots. ``files``: absolute path -> Stat for files ``lstat``-ed; ``clean``:
    absolute path -> (git top folder, index blob id) for tracked files git reports equal to the
    index (not ``lstat``-ed: git's own stat cache vouches for them); ``full``: False when a root
    listed more than ``max_files``. The two maps do not overlap."""

    files: dict[str, Stat] = field(default_factory=dict)
    clean: dict[str, tuple[str, str]] = field(default_factory=dict)
    full: bool = True

    def signature(self, path: str) -> object:
        """What tells whether ``path`` changed between two scans (None: not there)."""
        return self.clean.get(path) or self.files.get(path)

    def paths(self) -> set[str]:
        return set(self.files) | set(self.clean)


@dataclass
class _Batch:
    """Overlapping shell calls on the same roots: the scan before the first, and how many run."""

    roots: tuple[Path, ...]
    before: asyncio.Future[Manifest | None]
    running: int = 0


class ShellWatch:
    """One per session pipeline: the content store and the git top folder of each root.

    ``store`` receives the changes; ``max_files`` bounds a root's listing; ``cache_bytes`` bounds the
    content store (per-file bound: the checkpoints' ``max_file_bytes``).
    """

    def __init__(
        self, store: CheckpointStore, max_files: int = MAX_FILES, cache_bytes: int = CACHE_BYTES
    ) -> None:
        self.store = store
        self.max_files = max_files
        self.cache_bytes = cache_bytes
        self._cached: dict[str, tuple[Stat, str]] = {}
        """path -> (its stat when copied, the SHA-256 of the copy)."""
        self._blobs: dict[str, bytes] = {}
        self._tops: dict[Path, tuple[Path, Path] | None] = {}
        """root -> (its repository's top folder, git dir), or None outside git."""
        self._indexes: dict[Path, tuple[Stat, Index]] = {}
        """root -> the index's entries under it, parsed once per state of the index file."""
        self._batch: _Batch | None = None
        """The shell calls running now, which share their scans."""

    async def around(
        self,
        command: str | None,
        roots: Sequence[Path],
        env: Mapping[str, str],
        run: Callable[[], Awaitable[T]],
    ) -> T:
        """Run ``run()`` and checkpoint what it changed under ``roots``. A scan that fails (git or
        ripgrep missing or failing, a root gone) records nothing; the call runs and its result is
        returned as is either way."""
        if not self.store.settings.enabled or (command is not None and read_only(command, env)):
            return await run()
        # Shell calls that overlap (a batch of bash calls, submit_batch) share one scan before the
        # first starts and one after the last ends: each overlapping call could change any file the
        # others see, so one call's changes cannot be told from another's anyway, and 40 parallel
        # calls cost 2 scans instead of 80.
        key = tuple(roots)
        batch = self._batch
        if batch is None or batch.roots != key:
            batch = self._batch = _Batch(key, asyncio.ensure_future(self._scan_before(roots)))
        batch.running += 1
        try:
            await asyncio.shield(batch.before)
            return await run()
        finally:
            batch.running -= 1
            if batch.running == 0:
                if self._batch is batch:
                    self._batch = None
                await self._record_after(batch, roots)

    async def _scan_before(self, roots: Sequence[Path]) -> Manifest | None:
        try:
            return await self.scan(roots, fill=True)
        except Exception:  # a scan must never cost the call itself
            log.warning("no checkpoint for this shell call: the scan before it failed", exc_info=True)
            return None

    async def _record_after(self, batch: _Batch, roots: Sequence[Path]) -> None:
        before = batch.before.result() if batch.before.done() and not batch.before.cancelled() else None
        if before is None:
            return
        try:
            await self.record(before, await self.scan(roots, fill=False))
        except Exception:
            log.warning("no checkpoint for this shell call: the scan after it failed", exc_info=True)

    # -- scanning -------------------------------------------------------------------------------

    async def scan(self, roots: Sequence[Path], fill: bool) -> Manifest:
        """List every root (``fill``: and copy into the content store what git cannot give back)."""
        out = Manifest()
        for root in dict.fromkeys(r.resolve() for r in roots):
            repo = await self._top(root)
            if repo is None:
                listed, full = await self._list(root)
                out.files.update(await asyncio.to_thread(_stat_all, root, listed))
            else:
                top = repo[0]
                clean, rest, full = await self._git_listing(repo, root)
                out.clean.update(clean)
                out.files.update(await asyncio.to_thread(_stat_all, top, rest))
            out.full = out.full and full
        for path in set(out.clean) & set(out.files):  # a root inside another root's repository
            del out.files[path]
        if fill:
            await asyncio.to_thread(self._fill, out)
        return out

    async def _list(self, root: Path) -> tuple[list[str], bool]:
        from .tools._text import RG_WORKSPACE_RULES, find_rg

        rg = find_rg()
        if rg is None:
            return await asyncio.to_thread(_walk, root, self.max_files)
        args = [rg, "--files", "--no-messages", *RG_WORKSPACE_RULES]
        out = await _run(args, root, ok=(0, 1))
        listed = os.fsdecode(out).split("\n")[:-1]
        return listed[: self.max_files], len(listed) <= self.max_files

    async def _top(self, root: Path) -> tuple[Path, Path] | None:
        if root not in self._tops:
            try:
                out = await _run(["git", "rev-parse", "--show-toplevel", "--absolute-git-dir"], root, ok=(0,))
                top, git_dir = os.fsdecode(out).strip().split("\n")
                self._tops[root] = (Path(os.path.realpath(top)), Path(git_dir))  # noqa: ASYNC240
            except (OSError, ValueError):
                self._tops[root] = None
        return self._tops[root]

    async def _git_listing(
        self, repo: tuple[Path, Path], root: Path
    ) -> tuple[dict[str, tuple[str, str]], list[str], bool]:
        """The files under ``root`` as git sees them, reading only (no index refresh): ``clean``
        (absolute path -> (top, index blob id): tracked regular files at stage 0 that ``git
        diff-files`` does not report), ``rest`` (paths relative to the top: the other tracked files
        and the untracked ones ``.gitignore`` does not hide) and whether all were listed. The index
        is parsed again only when its file changed (``lstat``)."""
        top, git_dir = repo
        spec = root.relative_to(top).as_posix() if root != top else "."
        dirty, others = await asyncio.gather(
            _run(
                ["git", "diff-files", "-z", "--name-only", "--ignore-submodules=all", "--", spec], top, (0, 1)
            ),
            _run(["git", "ls-files", "-z", "-o", "--exclude-standard", "--", spec], top, (0,)),
        )
        try:
            st = os.lstat(git_dir / "index")  # noqa: ASYNC240
            key: Stat = (st.st_size, st.st_mtime_ns, st.st_ino)
        except FileNotFoundError:
            key = (0, 0, 0)
        known = self._indexes.get(root)
        if known is None or known[0] != key:
            listed = await _run(["git", "ls-files", "-z", "-s", "--", spec], top, (0,))
            known = (key, _parse_index(top, listed))
            self._indexes[root] = known
        entries, unmerged = known[1]
        rest = [os.fsdecode(p) for p in others.split(b"\0") if p] + unmerged
        clean = dict(entries)
        base = len(str(top)) + 1
        for rel in dirty.split(b"\0"):
            path = os.fsdecode(os.fsencode(top) + b"/" + rel) if rel else ""
            if path in clean:
                del clean[path]
                rest.append(path[base:])
        full = len(clean) + len(rest) <= self.max_files
        if not full:
            rest = rest[: max(0, self.max_files - len(clean))]
        return clean, rest, full

    def _fill(self, manifest: Manifest) -> None:
        """Copy into the content store each ``lstat``-ed file not there yet with this stat, while the
        store's bound allows (files git vouches for are read back from git instead)."""
        limit = self.store.settings.max_file_bytes
        self._cached = {p: c for p, c in self._cached.items() if manifest.files.get(p) == c[0]}
        self._collect()
        used = sum(map(len, self._blobs.values()))
        for path, now in manifest.files.items():
            if path in self._cached or now[0] > limit or used + now[0] > self.cache_bytes:
                continue
            try:
                data = Path(path).read_bytes()
            except OSError:
                continue
            if len(data) != now[0]:  # changing as we read: not a state we can vouch for
                continue
            key = digest(data)
            if key not in self._blobs:
                self._blobs[key] = data
                used += len(data)
            self._cached[path] = (now, key)

    def _collect(self) -> None:
        used = {key for _, key in self._cached.values()}
        for key in [k for k in self._blobs if k not in used]:
            del self._blobs[key]

    # -- recording ------------------------------------------------------------------------------

    async def record(self, before: Manifest, after: Manifest) -> list[str]:
        """Hand every changed file to the checkpoint store; returns their paths."""
        changed = [
            p for p in sorted(before.paths() | after.paths()) if before.signature(p) != after.signature(p)
        ]
        from_git = await _git_contents([before.clean[p] + (p,) for p in changed if p in before.clean])
        done: list[str] = []
        there, was = after.paths(), before.paths()
        for path in changed:
            now = _read(path) if path in there else None
            old: bytes | None
            if path in from_git:
                old, why = from_git[path], ""
            elif path in was:
                old, why = self._before(path, before)
            else:
                old, why = None, ""
            if old is not None and len(old) > self.store.settings.max_file_bytes:
                old, why = (
                    None,
                    TOO_BIG,
                )
            if not why and old == now:
                continue  # touched, or changed and put back
            target = Path(path)
            if not self.store.knows(target):
                if why:
                    self.store.note_lost(target, why)
                else:
                    self.store.note_before(target, old)
            self.store.note_after(target, now)
            done.append(path)
        return done

    def _before(self, path: str, before: Manifest) -> tuple[bytes | None, str]:
        """The file's bytes at the first scan from the content store, or (None, why not)."""
        was = before.files.get(path)
        if was is not None and was[0] > self.store.settings.max_file_bytes:
            return None, TOO_BIG
        cached = self._cached.get(path)
        if cached is not None and cached[0] == was and cached[1] in self._blobs:
            return self._blobs[cached[1]], ""
        return None, (
            "changed by bash; its earlier content was not kept (not in git's index and over the "
            "content store's bound), cannot be restored"
        )


# -- helpers ------------------------------------------------------------------------------------


async def _run(args: list[str], cwd: Path, ok: Iterable[int]) -> bytes:
    """stdout of ``args`` run in ``cwd``; ValueError on another exit code."""
    code, out = await captured(args, cwd, {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    if code not in tuple(ok):
        raise ValueError(f"{args[0]} exited {code}")
    return out


Index = tuple[dict[str, tuple[str, str]], list[str]]
"""The index's stage-0 regular files (absolute path -> (top, blob id)) and its unmerged paths."""


def _parse_index(top: Path, listed: bytes) -> Index:
    """``git ls-files -z -s`` output (``mode blob stage<TAB>path``) as an ``Index``; submodules and
    symlinks are left out."""
    entries: dict[str, tuple[str, str]] = {}
    unmerged: list[str] = []
    base, where = os.fsencode(top) + b"/", str(top)
    for line in listed.split(b"\0"):
        if not line or line.startswith((b"160000", b"120000")):
            continue
        tab = line.index(b"\t")
        if line[tab - 1 : tab] == b"0":
            entries[os.fsdecode(base + line[tab + 1 :])] = (where, line[7 : tab - 2].decode("ascii"))
        elif line[tab - 1 : tab] == b"1":
            unmerged.append(os.fsdecode(line[tab + 1 :]))
    return entries, unmerged


async def _git_contents(wanted: list[tuple[str, str, str]]) -> dict[str, bytes]:
    """(top, blob id, absolute path) -> the blob's content as checked out at that path
    (``git cat-file --batch --filters``: line endings and filters applied; read-only)."""
    out: dict[str, bytes] = {}
    for top in {t for t, _, _ in wanted}:
        items = [(blob, path) for t, blob, path in wanted if t == top]
        lines = "".join(f"{blob} {path[len(top) + 1 :]}\n" for blob, path in items)
        proc = await asyncio.create_subprocess_exec(
            "git",
            "cat-file",
            "--batch",
            "--filters",
            cwd=top,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        data, _ = await proc.communicate(os.fsencode(lines))
        at = 0
        for _, path in items:
            end = data.find(b"\n", at)
            if end < 0:
                break
            header = data[at:end].split()
            if len(header) != 3 or header[1] != b"blob":
                at = end + 1
                continue
            size = int(header[2])
            out[path] = data[end + 1 : end + 1 + size]
            at = end + 1 + size + 1
    return out


def _stat_all(root: Path, listed: list[str]) -> dict[str, Stat]:
    out: dict[str, Stat] = {}
    for rel in listed:
        path = os.path.join(root, rel)
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            out[path] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return out


def _walk(root: Path, cap: int) -> tuple[list[str], bool]:
    """The listing without ripgrep: ``.gitignore`` files honoured (``tools._text.IgnoreRules``)."""
    from .tools._text import IgnoreRules

    rules = IgnoreRules(root)
    out: list[str] = []
    for folder, dirs, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        base = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        dirs[:] = [d for d in dirs if not rules.match(base + d, True)]
        for name in files:
            if not rules.match(base + name, False):
                out.append(base + name)
                if len(out) > cap:
                    return out[:cap], False
    return out, True


def _read(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


# -- read-only commands -------------------------------------------------------------------------

_READERS = frozenset(
    [
        "cat",
        "head",
        "tail",
        "wc",
        "pwd",
        "echo",
        "printf",
        "grep",
        "egrep",
        "fgrep",
        "rg",
        "ls",
        "file",
        "stat",
        "du",
        "df",
        "which",
        "type",
        "true",
        "false",
        "test",
        "[",
        "date",
        "whoami",
        "uname",
        "id",
        "basename",
        "dirname",
        "realpath",
        "readlink",
        "diff",
        "cmp",
        "cd",
        "pushd",
        "popd",
        "nl",
        "jq",
        "sha256sum",
        "sha1sum",
        "md5sum",
    ]
)
_GIT_READERS = frozenset(["status", "diff", "log", "show", "rev-parse", "ls-files", "blame", "grep"])
_FIND_WRITERS = frozenset(
    ["-delete", "-exec", "-execdir", "-ok", "-okdir", "-fprint", "-fprint0", "-fprintf", "-fls"]
)


def read_only(command: str, env: Mapping[str, str]) -> bool:
    """Whether ``command`` surely writes no file: each simple command is a known reader (``git``
    with a reading subcommand, ``find`` without actions that write or run), nothing is redirected
    to a file, no function is defined and the whole line could be read. False when unsure."""
    from .permissions.bash import HARMLESS_DEVICES
    from .permissions.shell import analyse

    try:
        script = analyse(command, env)
    except Exception:  # whatever the analysis cannot read is not known to be read-only
        return False
    if script.problems or script.functions or not script.commands:
        return False
    if any(w.target.value is None or not HARMLESS_DEVICES.match(w.target.value) for w in script.writes):
        return False
    for simple in script.commands:
        if simple.dynamic or simple.opaque or simple.open_args or simple.privileged:
            return False
        words = [w.value for w in simple.words]
        if any(w is None for w in words):
            return False
        name = simple.name
        if name == "git":
            if len(words) < 2 or words[1] not in _GIT_READERS:
                return False
            if any(str(w).startswith(("--output", "-o", "--ext-diff")) for w in words[2:]):
                return False
        elif name == "find":
            if any(w in _FIND_WRITERS for w in words):
                return False
        elif name == "rg":
            if any(str(w).startswith("--pre") for w in words):
                return False
        elif name not in _READERS:
            return False
    return True

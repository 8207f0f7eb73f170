"""A folder checked inside the workspace, then swapped for a symlink to outside before the write: the
write, the parent folders it creates, the delete and the read never follow it (real files, real swaps)."""

from __future__ import annotations

import asyncio
import os
import random
import threading
import time
from pathlib import Path

from a3s_code.fs import LocalFileSystem
from a3s_code.textwindow import TextWindow

from .conftest import Harness

SECRET = "outside, must stay as it is\n"


class SwapAfterRead(LocalFileSystem):
    """The real disk file system, with a hook: right after the tool's read (the path is checked by then),
    ``folder`` inside the workspace becomes a symlink to ``target`` outside it."""

    def __init__(self, folder: Path, target: Path) -> None:
        self.folder = folder
        self.target = target

    def swap(self) -> None:
        if self.folder.is_dir() and not self.folder.is_symlink():
            self.folder.rename(self.folder.with_name(self.folder.name + ".moved"))
        self.folder.symlink_to(self.target, target_is_directory=True)

    async def read_text(self, path: Path) -> str:
        try:
            return await super().read_text(path)
        finally:
            self.swap()

    async def read_window(
        self, path: Path, offset: int, limit: int, max_bytes: int, max_line: int
    ) -> TextWindow:
        self.swap()
        return await super().read_window(path, offset, limit, max_bytes, max_line)


def _outside(ws: Harness) -> Path:
    target = ws.outside / "sub"
    target.mkdir()
    (target / "f.txt").write_text(SECRET)
    return target


async def test_edit_never_writes_through_a_swapped_folder(ws: Harness) -> None:
    target = _outside(ws)
    ws.file("sub/f.txt", SECRET)
    ws.ctx.fs = SwapAfterRead(ws.root / "sub", target)
    result = await ws.run("edit", file_path="sub/f.txt", old_string="outside", new_string="PWNED")
    assert result.is_error and "changed after the path was checked" in result.output
    assert (target / "f.txt").read_text() == SECRET
    assert sorted(p.name for p in target.iterdir()) == ["f.txt"]  # no temp file left there either


async def test_write_never_creates_folders_through_a_swapped_one(ws: Harness) -> None:
    target = _outside(ws)
    ws.ctx.fs = SwapAfterRead(ws.root / "new", target)
    result = await ws.run("write", file_path="new/deeper/f.txt", content="PWNED\n")
    assert result.is_error and "changed after the path was checked" in result.output
    assert not (target / "deeper").exists()


async def test_a_file_swapped_for_a_symlink_is_not_written_through(ws: Harness) -> None:
    ws.file("own.txt", "mine\n")
    secret = ws.outside / "secret.txt"
    before = secret.read_text()

    class SwapFile(LocalFileSystem):
        async def read_text(self, path: Path) -> str:
            text = await super().read_text(path)
            path.unlink()
            path.symlink_to(secret)
            return text

    ws.ctx.fs = SwapFile()
    result = await ws.run("edit", file_path="own.txt", old_string="mine", new_string="PWNED")
    assert result.is_error and "changed after the path was checked" in result.output
    assert secret.read_text() == before


async def test_delete_never_follows_a_swapped_folder(ws: Harness) -> None:
    target = _outside(ws)
    ws.file("sub/f.txt", SECRET)
    ws.ctx.fs = SwapAfterRead(ws.root / "sub", target)
    patch = "--- a/sub/f.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-outside, must stay as it is\n"
    result = await ws.run("patch", diff=patch)
    assert result.is_error and "changed after the path was checked" in result.output
    assert (target / "f.txt").read_text() == SECRET


async def test_read_never_follows_a_swapped_folder(ws: Harness) -> None:
    target = _outside(ws)
    ws.file("sub/f.txt", "inside\n")
    ws.ctx.fs = SwapAfterRead(ws.root / "sub", target)
    result = await ws.run("read", file_path="sub/f.txt")
    assert result.is_error and "outside, must stay" not in result.output


def _flip(folder: Path, target: Path, stop: threading.Event) -> None:
    """Swap ``folder`` between a real folder and a symlink to ``target`` as fast as possible."""
    real = folder.with_name("real")
    link = folder.with_name("link")
    link.symlink_to(target, target_is_directory=True)
    rnd = random.Random(0)
    while not stop.is_set():
        try:
            os.rename(folder, real)
            os.rename(link, folder)
            time.sleep(rnd.uniform(0, 0.002))  # hold each state a while, so the writer meets both
            os.rename(folder, link)
            os.rename(real, folder)
            time.sleep(rnd.uniform(0, 0.002))
        except OSError:
            # the tool created the folder meanwhile, or it is half-swapped: put things back in order
            if folder.is_symlink():
                os.rename(folder, link)
            if not folder.exists() and real.exists():
                os.rename(real, folder)


async def test_a_real_race_never_lands_outside(ws: Harness) -> None:
    target = _outside(ws)
    ws.file("sub/f.txt", "inside\n")
    stop = threading.Event()
    flipper = threading.Thread(target=_flip, args=(ws.root / "sub", target, stop), daemon=True)
    flipper.start()
    outcomes: set[str] = set()
    try:
        # at least 3 s and 50 writes, and on until both states were met (a busy machine may need longer)
        start = time.monotonic()
        n = 0
        while time.monotonic() - start < 3 or n < 50 or (len(outcomes) < 2 and time.monotonic() - start < 60):
            n += 1
            result = await ws.run("write", file_path="sub/f.txt", content=f"write {n}\n")
            outcomes.add("written" if not result.is_error else "refused")
            await asyncio.sleep(0)
    finally:
        stop.set()
        flipper.join()
    assert (target / "f.txt").read_text() == SECRET
    assert sorted(p.name for p in target.iterdir()) == ["f.txt"]
    assert outcomes == {"written", "refused"}  # both states were met; every call came back as a result

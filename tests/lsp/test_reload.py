"""Editing the config file or a skill folder takes effect without restarting the daemon."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakellm import FakeLLM
from tests.lsp.editor import Editor, start_editor, stop_editor

SKILL = """---
name: release-notes
description: How to write release notes for this project, the changelog format and version tags
---
Release notes start with the version in brackets: [1.2.3].
"""


@pytest.fixture
async def watched(tmp_path: Path, project: Path, fake_llm: FakeLLM) -> AsyncIterator[tuple[Editor, Path]]:
    (tmp_path / "skills").mkdir()
    config = tmp_path / "agent.hcl"
    config.write_text(fake_llm.config(extra='skill_dirs = ["skills"]\n'))
    editor = await start_editor("visual-studio-code", project, config)
    await _until(lambda: _logged(editor, "skill folder(s)"), "the watcher is armed")
    yield editor, config
    await stop_editor(editor)


def _logged(editor: Editor, text: str) -> bool:
    return any(text in m.message for m in editor.client.log_messages)


def _shown(editor: Editor, text: str) -> bool:
    return any(text in m.message for m in editor.client.messages)


async def _until(condition: object, what: str, within: float = 20) -> None:
    try:
        async with asyncio.timeout(within):
            while not condition():  # type: ignore[operator]
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"timed out waiting until {what}") from None


async def test_a_new_skill_file_reaches_an_open_session(
    watched: tuple[Editor, Path], fake_llm: FakeLLM
) -> None:
    editor, config = watched
    session = (await editor.request("a3s/session/create", {}))["sessionId"]
    (config.parent / "skills" / "release-notes.md").write_text(SKILL)
    await _until(lambda: _logged(editor, "skills reloaded"), "the skills are re-read")
    fake_llm.text("Done.")
    await editor.request(
        "a3s/session/send", {"sessionId": session, "prompt": "write the release notes changelog"}
    )
    assert "[1.2.3]" in str(fake_llm.requests[-1]["system"])


async def test_a_changed_config_applies_to_new_sessions_and_a_bad_one_is_refused(
    watched: tuple[Editor, Path], fake_llm: FakeLLM
) -> None:
    editor, config = watched
    good = config.read_text()
    config.write_text(good.replace("claude-sonnet-4-20250514", "claude-opus-4-20250514"))
    await _until(lambda: _shown(editor, "reloaded agent.hcl"), "the new config is loaded")
    created = await editor.request("a3s/session/create", {})
    assert created["model"] == "anthropic/claude-opus-4-20250514"

    config.write_text(good + '\nmax_tool_rounds = "many"\n')
    await _until(lambda: _shown(editor, "invalid"), "the bad config is reported")
    error = next(m.message for m in editor.client.messages if "invalid" in m.message)
    assert "agent.hcl" in error and "max_tool_rounds" in error
    created = await editor.request("a3s/session/create", {})
    assert created["model"] == "anthropic/claude-opus-4-20250514", "the last good config stays in force"


def _inotify_watches(config: Path) -> int:
    """Inotify watches held by the daemon started with ``--config CONFIG`` (found in /proc)."""
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"a3s_lsp" not in argv or str(config).encode() not in argv:
            continue
        count = 0
        for fd in (proc / "fd").iterdir():
            try:
                if os.readlink(fd) == "anon_inode:inotify":
                    info = (proc / "fdinfo" / fd.name).read_text()
                    count += sum(line.startswith("inotify wd:") for line in info.splitlines())
            except OSError:
                continue
        return count
    raise AssertionError(f"no daemon running with {config}")


@pytest.mark.skipif(not Path("/proc/self/fdinfo").is_dir(), reason="needs Linux /proc")
async def test_a_config_in_a_project_root_does_not_put_the_project_under_watch(
    tmp_path: Path, fake_llm: FakeLLM
) -> None:
    """agent.hcl kept in a big project's root: its folder is watched, not every folder below it; the
    skill folder is still watched with its subfolders."""
    root = tmp_path / "big-project"
    for i in range(40):
        (root / f"pkg{i}" / "sub").mkdir(parents=True)
    (root / "skills" / "release").mkdir(parents=True)
    config = root / "agent.hcl"
    config.write_text(fake_llm.config(extra='skill_dirs = ["skills"]\n'))
    editor = await start_editor("visual-studio-code", root, config)
    try:
        await _until(lambda: _logged(editor, "skill folder(s)"), "the watcher is armed")
        assert _inotify_watches(config) <= 4, "one watch for the config's folder, a few for the skills"
        skill = root / "skills" / "release" / "SKILL.md"

        def written_and_seen() -> bool:
            # The log line comes as the watchers start, which may be a moment before inotify is
            # armed: write again until the change is seen.
            if not _logged(editor, "skills reloaded"):
                skill.write_text(SKILL)
            return _logged(editor, "skills reloaded")

        await _until(written_and_seen, "a skill in a subfolder is seen")
        config.write_text(config.read_text().replace("claude-sonnet-4-20250514", "claude-opus-4-20250514"))
        await _until(lambda: _shown(editor, "reloaded agent.hcl"), "the config is still reloaded")
    finally:
        await stop_editor(editor)

"""patch with OpenAI's '*** Begin Patch' envelope: the reference implementation's behaviour
(openai/codex codex-rs/apply-patch and its scenario fixtures), all-or-nothing, inside the workspace."""

from __future__ import annotations

import pytest

from a3s_code.tools.patch import ENVELOPE_DESCRIPTION, UNIFIED_DESCRIPTION, PatchTool, is_openai_model
from a3s_code.tools.seen import SeenFiles

from .conftest import SECRET, Harness


def envelope(*body: str) -> str:
    return "\n".join(["*** Begin Patch", *body, "*** End Patch"]) + "\n"


async def test_add_update_delete_and_move_in_one_patch(ws: Harness) -> None:
    ws.file("modify.txt", "line1\nline2\n")
    ws.file("delete.txt", "obsolete\n")
    ws.file("old/name.txt", "from\n")
    patch = envelope(
        "*** Add File: nested/new.txt",
        "+created",
        "*** Delete File: delete.txt",
        "*** Update File: modify.txt",
        "@@",
        "-line2",
        "+changed",
        "*** Update File: old/name.txt",
        "*** Move to: renamed/dir/name.txt",
        "@@",
        "-from",
        "+new",
    )
    result = await ws.run("patch", diff=patch)
    assert not result.is_error, result.output
    assert (ws.root / "nested/new.txt").read_text() == "created\n"
    assert not (ws.root / "delete.txt").exists()
    assert (ws.root / "modify.txt").read_text() == "line1\nchanged\n"
    assert (ws.root / "renamed/dir/name.txt").read_text() == "new\n"
    assert not (ws.root / "old/name.txt").exists()
    assert result.output.splitlines() == [
        "Applied the patch:",
        "A nested/new.txt",
        "M modify.txt",
        "A renamed/dir/name.txt (moved from old/name.txt)",
        "D delete.txt",
    ]
    assert "+created" in result.metadata["diff"] and "-line2" in result.metadata["diff"]


async def test_multiple_chunks_context_anchors_and_end_of_file(ws: Harness) -> None:
    path = ws.file(
        "multi.py",
        "class A:\n    def run(self):\n        return 1\n\nclass B:\n    def run(self):\n        return 1\n"
        "tail\nlast\n",
    )
    patch = envelope(
        "*** Update File: multi.py",
        "@@ class B:",
        "@@     def run(self):",
        "-        return 1",
        "+        return 2",
        "@@",
        " tail",
        "-last",
        "+final",
        "*** End of File",
    )
    result = await ws.run("patch", diff=patch)
    assert not result.is_error, result.output
    assert path.read_text() == (
        "class A:\n    def run(self):\n        return 1\n\nclass B:\n    def run(self):\n        return 2\n"
        "tail\nfinal\n"
    )


async def test_pure_addition_goes_to_the_end_as_in_the_reference(ws: Harness) -> None:
    path = ws.file("input.txt", "line1\nline2\n")
    patch = envelope("*** Update File: input.txt", "@@", "+added line 1", "+added line 2")
    assert not (await ws.run("patch", diff=patch)).is_error
    assert path.read_text() == "line1\nline2\nadded line 1\nadded line 2\n"


async def test_update_appends_a_trailing_newline(ws: Harness) -> None:
    path = ws.file("no_newline.txt", "no newline at end")
    patch = envelope(
        "*** Update File: no_newline.txt", "@@", "-no newline at end", "+first line", "+second line"
    )
    assert not (await ws.run("patch", diff=patch)).is_error
    assert path.read_text() == "first line\nsecond line\n"


async def test_deletion_only_chunk_and_first_chunk_without_marker(ws: Harness) -> None:
    path = ws.file("lines.txt", "line1\nremove me\nline3\n")
    patch = envelope("*** Update File: lines.txt", " line1", "-remove me", " line3")
    assert not (await ws.run("patch", diff=patch)).is_error
    assert path.read_text() == "line1\nline3\n"


@pytest.mark.parametrize(
    ("file_line", "patch_line", "how"),
    [
        ("value = 1   ", "value = 1", "trailing whitespace"),
        ("    value = 1", "value = 1", "surrounding whitespace"),
        ("msg = \u201chello\u201d \u2014 it\u2019s", 'msg = "hello" - it\'s', "Unicode punctuation"),
        ("a\u00a0=\u00a01", "a = 1", "Unicode punctuation"),
    ],
)
async def test_fuzzy_matching_order(ws: Harness, file_line: str, patch_line: str, how: str) -> None:
    path = ws.file("f.py", f"before\n{file_line}\nafter\n")
    patch = envelope("*** Update File: f.py", "@@", " before", f"-{patch_line}", "+changed", " after")
    result = await ws.run("patch", diff=patch)
    assert not result.is_error, result.output
    assert path.read_text() == "before\nchanged\nafter\n"
    assert how in result.output


async def test_exact_match_wins_over_an_earlier_fuzzy_one(ws: Harness) -> None:
    path = ws.file("f.txt", "x = 1  \nx = 1\n")
    patch = envelope("*** Update File: f.txt", "@@", "-x = 1", "+x = 2")
    assert not (await ws.run("patch", diff=patch)).is_error
    assert path.read_text() == "x = 1  \nx = 2\n"


async def test_markers_with_padding_and_a_heredoc_wrapper(ws: Harness) -> None:
    path = ws.file("file.txt", "one\n")
    padded = " *** Begin Patch\n  *** Update File: file.txt\n@@\n-one\n+two\n*** End Patch \n"
    assert not (await ws.run("patch", diff=padded)).is_error
    assert path.read_text() == "two\n"
    for start in ("<<EOF", "<<'EOF'", '<<"EOF"', "apply_patch <<'EOF'"):
        path.write_text("two\n")
        wrapped = (
            f"{start}\n*** Begin Patch\n*** Update File: file.txt\n@@\n-two\n+three\n*** End Patch\nEOF\n"
        )
        result = await ws.run("patch", diff=wrapped)
        assert not result.is_error, (start, result.output)
        assert path.read_text() == "three\n"


async def test_crlf_file_keeps_its_line_endings(ws: Harness) -> None:
    path = ws.file("w.txt", b"a\r\nb\r\nc\r\n")
    patch = envelope("*** Update File: w.txt", "@@", " a", "-b", "+B", "+B2", " c")
    assert not (await ws.run("patch", diff=patch)).is_error
    assert path.read_bytes() == b"a\r\nB\r\nB2\r\nc\r\n"


async def test_move_overwrites_an_existing_destination_the_agent_has_read(ws: Harness) -> None:
    ws.file("old/name.txt", "from\n")
    dest = ws.file("renamed/name.txt", "existing\n")
    ws.ctx.seen = SeenFiles()
    patch = envelope("*** Update File: old/name.txt", "*** Move to: renamed/name.txt", "@@", "-from", "+new")
    refused = await ws.run("patch", diff=patch)
    assert refused.is_error and "Read it first" in refused.output
    assert dest.read_text() == "existing\n" and (ws.root / "old/name.txt").exists()
    await ws.run("read", file_path="renamed/name.txt")
    result = await ws.run("patch", diff=patch)
    assert not result.is_error, result.output
    assert dest.read_text() == "new\n" and not (ws.root / "old/name.txt").exists()


async def test_add_file_over_an_existing_one_needs_a_read(ws: Harness) -> None:
    path = ws.file("duplicate.txt", "old content\n")
    ws.ctx.seen = SeenFiles()
    patch = envelope("*** Add File: duplicate.txt", "+new content")
    assert (await ws.run("patch", diff=patch)).is_error
    assert path.read_text() == "old content\n"
    await ws.run("read", file_path="duplicate.txt")
    assert not (await ws.run("patch", diff=patch)).is_error
    assert path.read_text() == "new content\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (["*** Update File: missing.txt", "@@", "-a", "+b"], "File not found: missing.txt"),
        (["*** Delete File: missing.txt"], "File not found: missing.txt"),
        (["*** Delete File: dir"], "dir is a directory"),
        (["*** Update File: foo.txt"], "Update file hunk for path 'foo.txt' is empty"),
        (["*** Frobnicate File: foo.txt"], "is not a valid hunk header"),
        (["*** Update File: foo.txt", "@@", "bad line"], "Unexpected line found in update hunk"),
    ],
)
async def test_invalid_patches_change_nothing(ws: Harness, body: list[str], message: str) -> None:
    ws.file("foo.txt", "foo\n")
    ws.file("dir/inner.txt", "x\n")
    result = await ws.run("patch", diff=envelope("*** Add File: created.txt", "+x", *body))
    assert result.is_error and message in result.output, result.output
    assert not (ws.root / "created.txt").exists()
    assert (ws.root / "foo.txt").read_text() == "foo\n"


async def test_missing_end_marker_and_empty_patch(ws: Harness) -> None:
    no_end = await ws.run("patch", diff="*** Begin Patch\n*** Add File: a.txt\n+a\n")
    assert no_end.is_error and "*** End Patch" in no_end.output
    empty = await ws.run("patch", diff="*** Begin Patch\n*** End Patch\n")
    assert empty.is_error and "nothing to apply" in empty.output


async def test_a_failing_chunk_names_itself_shows_the_nearest_text_and_changes_nothing(ws: Harness) -> None:
    first = ws.file("a.txt", "alpha\n")
    second = ws.file("b.py", "def run():\n    return compute(1)\n")
    patch = envelope(
        "*** Update File: a.txt",
        "@@",
        "-alpha",
        "+ALPHA",
        "*** Update File: b.py",
        "@@ def run():",
        "-    return compute(2)",
        "+    return compute(3)",
    )
    result = await ws.run("patch", diff=patch)
    assert result.is_error
    assert "Hunk 1 of 1 for b.py" in result.output
    assert "return compute(2)" in result.output
    assert "     2\t    return compute(1)" in result.output  # the nearest text, numbered
    assert "No changes were made" in result.output
    assert first.read_text() == "alpha\n" and second.read_text() == "def run():\n    return compute(1)\n"


async def test_missing_context_anchor_is_reported(ws: Harness) -> None:
    ws.file("m.py", "def present():\n    pass\n")
    patch = envelope("*** Update File: m.py", "@@ def absent():", "-    pass", "+    return 1")
    result = await ws.run("patch", diff=patch)
    assert result.is_error and "failed to find context 'def absent():'" in result.output
    assert "def present():" in result.output


@pytest.mark.parametrize(
    "header",
    [
        "*** Add File: ../outside/new.txt",
        "*** Update File: link_out/secret.txt",
        "*** Delete File: secret_link.txt",
        "*** Update File: ok.txt\n*** Move to: ../outside/moved.txt",
    ],
)
async def test_every_path_is_confined_to_the_workspace(ws: Harness, header: str) -> None:
    ws.file("ok.txt", "top secret outside the workspace\n")
    body = {"Add": "\n+pwned", "Del": ""}.get(header[4:7], "\n@@\n-top secret outside the workspace\n+pwned")
    result = await ws.run("patch", diff=f"*** Begin Patch\n{header}{body}\n*** End Patch")
    assert result.is_error and "outside the workspace" in result.output
    assert (ws.outside / "secret.txt").read_text() == SECRET
    assert not (ws.outside / "new.txt").exists() and not (ws.outside / "moved.txt").exists()
    assert (ws.root / "ok.txt").exists()


def test_openai_models_are_offered_the_envelope() -> None:
    tool = PatchTool()
    for model in ("openai/gpt-5", "openai/gpt-4.1-mini", "azure/gpt-5-codex", "openrouter/openai/o3"):
        assert is_openai_model(model), model
        assert tool.spec(model).description == ENVELOPE_DESCRIPTION
    for model in ("anthropic/claude-sonnet-4", "openai/gpt-4o", "ollama/llama3", None):
        assert not is_openai_model(model), model
        assert tool.spec(model).description == UNIFIED_DESCRIPTION
    assert "*** Begin Patch" in ENVELOPE_DESCRIPTION and "*** End of File" in ENVELOPE_DESCRIPTION

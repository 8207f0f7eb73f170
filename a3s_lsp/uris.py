"""The one conversion between ``file:`` URIs and paths that the daemon uses (documents, folders, edits).

Rules (RFC 8089 and RFC 3986): a path becomes ``file://`` plus its bytes percent-encoded except for
``/`` and the unreserved characters, so ``#``, ``%``, ``?``, spaces and non-ASCII names survive.
Reading a URI decodes every ``%XX`` once. A raw ``#`` or ``?`` in a file URI is invalid, but some
clients send one: it is read as part of the path (a document URI has no query or fragment), never as
a fragment that would cut the path short. pygls' ``to_fs_path`` is not used: its keys are unquoted
URIs, which read ``C%23 app`` back as a fragment.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote_from_bytes, unquote_to_bytes

_SCHEME = "file:"
_SAFE = "/-._~"


def path_to_uri(path: str | os.PathLike[str]) -> str:
    """``/tmp/C# app/a.py`` -> ``file:///tmp/C%23%20app/a.py`` (the path made absolute, not resolved)."""
    absolute = os.path.abspath(os.fspath(path))
    return "file://" + quote_from_bytes(os.fsencode(absolute), safe=_SAFE)


def uri_to_path(uri: str) -> Path | None:
    """The local path a ``file:`` URI names; None for other schemes and for remote hosts.

    ``file:/x``, ``file:///x`` and ``file://localhost/x`` all name ``/x``. Bytes that are not UTF-8
    come back as the same bytes on disk (``os.fsdecode``).
    """
    if uri[: len(_SCHEME)].lower() != _SCHEME:
        return None
    rest = uri[len(_SCHEME) :]
    if rest.startswith("//"):
        host, slash, rest = rest[2:].partition("/")
        if host.lower() not in ("", "localhost"):
            return None
        rest = slash + rest
    if not rest.startswith("/"):
        return None
    return Path(os.path.normpath(os.fsdecode(unquote_to_bytes(rest))))


def same_file_key(path: str | os.PathLike[str]) -> str:
    """The key two spellings of one file share: absolute, ``..`` folded, symlinks resolved."""
    return os.path.realpath(os.fspath(path))

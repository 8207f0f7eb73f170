"""SandboxConfig: the seed's ``SandboxConfig { image, memory_mb, network, .. }``, also the HCL ``sandbox {}`` block."""

from __future__ import annotations

import os
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import A3SError

DEFAULT_ENV_PASSTHROUGH = (
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "LANGUAGE",
    "LC_*",
    "TERM",
    "TZ",
    "NO_COLOR",
)
"""Host variables a sandboxed command sees by default; everything else is left outside."""

PROVIDER_KEY_VARIABLES = frozenset(
    {
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "OPENAI_API_KEY",
        "AZURE_OPENAI_API_KEY",
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
        "MISTRAL_API_KEY",
        "DEEPSEEK_API_KEY",
        "GROQ_API_KEY",
        "OPENROUTER_API_KEY",
        "XAI_API_KEY",
        "A3S_LSP_TOKEN",
    }
)
"""Never passed into a sandbox, whatever the allow-list says (plus the config's own ``env("...")`` key
variables and any variable whose value is a configured API key)."""

# ``name``, ``name:tag``, ``registry/name[:tag]``, ``name@sha256:...``: what ``docker pull`` accepts.
_OCI_REFERENCE = re.compile(
    r"^(?:[a-z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*"
    r"(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$"
)


class SandboxConfigError(A3SError):
    """The sandbox settings cannot be used as written (an OCI image name, a missing folder...)."""

    code = "sandbox_config_error"


class SandboxConfig(BaseModel):
    """How ``bash`` (and the ``sandbox`` tool) are contained. Every field has a safe default.

    Units: ``memory_mb`` in MiB per process (RLIMIT_DATA), ``timeout_ms`` in milliseconds (an upper
    bound on every sandboxed call), ``max_processes`` counts processes and threads of one call.
    """

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    """``sandbox { enabled = false }`` keeps the block but runs bash unsandboxed (the local executor)."""
    image: str | None = None
    """A root file-system **folder** used read-only instead of the host's ``/``. OCI image names
    (``ubuntu:22.04``) are refused: nothing here can pull images."""
    memory_mb: int = Field(default=512, ge=16)
    cpus: int | None = Field(default=None, ge=1)
    """Pin the command to this many CPUs (of the ones the daemon may use); None: no pinning."""
    network: bool = False
    """False: a private network namespace with only loopback (nothing outside is reachable)."""
    max_processes: int = Field(default=1024, ge=0)
    """Processes (and threads) one call may have at once; a fork bomb stops here. 0: no cap."""
    timeout_ms: int | None = Field(default=None, ge=1)
    env: dict[str, str] = {}
    """Variables set inside the sandbox (the seed's ``env``)."""
    env_passthrough: list[str] = list(DEFAULT_ENV_PASSTHROUGH)
    """Host variables copied in, by name or ``fnmatch`` pattern (``LC_*``). Provider API keys never are."""
    ro_mounts: list[str] = []
    """Extra host paths visible read-only: ``"/opt/sdk"`` (same path inside) or ``"/src:/dest"``."""
    rw_mounts: list[str] = []
    """Extra host paths visible read-write, same syntax (a package cache, for example)."""
    hide: list[str] = []
    """More host paths to hide (files read as empty, folders as empty and unreadable), besides the
    built-in list of credential folders."""
    bwrap: str = "bwrap"
    """The bubblewrap executable: a name looked up on PATH, or a path."""

    @field_validator("image", "bwrap", "ro_mounts", "rw_mounts", "hide")
    @classmethod
    def _no_nul(cls, value: str | list[str] | None) -> str | list[str] | None:
        for entry in [value] if isinstance(value, str) else value or []:
            if "\0" in entry:
                raise ValueError(f"{entry!r}: a path cannot contain a NUL byte")
        return value

    @field_validator("ro_mounts", "rw_mounts")
    @classmethod
    def _mount_syntax(cls, value: list[str]) -> list[str]:
        for entry in value:
            source, _, dest = entry.partition(":")
            if not source or (dest and not dest.startswith("/")):
                raise ValueError(f"{entry!r}: expected 'PATH' or 'SOURCE:/absolute/dest'")
        return value

    @classmethod
    def default(cls) -> SandboxConfig:
        return cls()


def host_path(text: str, base: Path | None = None) -> Path:
    """``~`` expanded (an unknown ``~user`` stays as written, never an exception), relative to ``base``."""
    path = Path(os.path.expanduser(text))
    return path if path.is_absolute() or base is None else base / path


def resolve_image(image: str, base: Path) -> Path:
    """The root file-system folder ``image`` names; raises SandboxConfigError for anything else.

    Relative folders are taken from ``base`` (the config file's folder). A value that is not an
    existing folder and reads as an OCI reference (``alpine``, ``ubuntu:22.04``,
    ``ghcr.io/org/img@sha256:...``) gets an error saying how to make a folder from it instead.
    """
    raw = image.strip()
    if not raw or "\0" in raw:
        raise SandboxConfigError(f"sandbox image {image!r} is not a folder name")
    path = host_path(raw, base)
    try:
        is_dir = path.is_dir()
    except OSError as exc:  # a name too long for the file system, a loop of symlinks...
        raise SandboxConfigError(f"sandbox image folder {path}: {exc.strerror or exc}") from None
    if is_dir:
        root = path.resolve()
        if not any((root / p).exists() or (root / p).is_symlink() for p in ("bin/bash", "usr/bin/bash")):
            raise SandboxConfigError(
                f"sandbox image folder {root} has no bin/bash or usr/bin/bash; commands run with bash -c"
            )
        return root
    path_like = raw.startswith(("/", "./", "../", "~")) or raw in (".", "..")
    if not path_like and _OCI_REFERENCE.match(raw):
        raise SandboxConfigError(
            f"sandbox image {raw!r} is an OCI image name, and nothing here can pull images. Use a root "
            "file-system folder instead: unpack the image once (for example "
            f"'mkdir rootfs && docker export $(docker create {raw}) | tar -x -C rootfs', or debootstrap) "
            'and set image = "/path/to/rootfs"'
        )
    raise SandboxConfigError(f"sandbox image folder not found: {path}")

"""Properties over whole kinds of input: any environment, any image value, any set of credential paths."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from a3s_code.sandbox import BubblewrapSandbox, SandboxConfig, SandboxConfigError, SecretEnv
from a3s_code.sandbox.config import PROVIDER_KEY_VARIABLES, resolve_image
from a3s_code.sandbox.view import HIDDEN_IN_HOME
from tests.engine.sandbox.helpers import Shell, needs_bwrap

pytestmark = needs_bwrap
KEY = "sk-configured-key-0123456789"

names = st.from_regex(r"[A-Z_][A-Z0-9_]{0,12}", fullmatch=True)
env_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\0"), max_size=30)
values = st.one_of(env_text, st.builds(lambda a, b: a + KEY + b, env_text, env_text))
"""What a host environment can hold (no NUL); some values carry the configured key."""
host_envs = st.dictionaries(
    st.one_of(names, st.sampled_from(sorted(PROVIDER_KEY_VARIABLES))), values, max_size=12
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    host=host_envs,
    patterns=st.lists(st.one_of(names, st.just("*"), st.just("A*"), st.just("LC_*")), max_size=4),
    session=st.dictionaries(names, st.one_of(values, st.just("with\0nul")), max_size=3),
)
def test_the_environment_is_the_allow_list_minus_every_provider_key(
    workspace: Path, host: dict[str, str], patterns: list[str], session: dict[str, str]
) -> None:
    allowed = [p for p in patterns if p not in PROVIDER_KEY_VARIABLES]
    secrets = SecretEnv(values=frozenset({KEY}))
    sandbox = BubblewrapSandbox(
        SandboxConfig(env_passthrough=allowed), workspace, secret_env=secrets, check=False
    )
    with mock.patch.dict(os.environ, host, clear=True):
        env = sandbox.environment(session)
    for name, value in env.items():
        assert name not in PROVIDER_KEY_VARIABLES and KEY not in value
    for name, value in host.items():
        wanted = any(re.fullmatch(p.replace("*", ".*"), name) for p in allowed) and name not in session
        if wanted and not secrets.forbids(name, value) and name not in ("BASH_ENV", "ENV"):
            assert env[name] == value
        elif name not in session:
            assert name not in env
    for name, value in session.items():
        dropped = secrets.forbids(name, value) or name in ("BASH_ENV", "ENV") or "\0" in value
        assert env.get(name) == (None if dropped else value)


oci_names = st.builds(
    lambda registry, parts, tag, digest: registry + "/".join(parts) + tag + digest,
    st.sampled_from(["", "docker.io/", "ghcr.io/", "registry.example.com:5000/"]),
    st.lists(st.from_regex(r"[a-z0-9]+([._-][a-z0-9]+)?", fullmatch=True), min_size=1, max_size=3),
    st.sampled_from(["", ":latest", ":22.04", ":v1.2-slim"]),
    st.sampled_from(["", "@sha256:" + "0" * 64]),
)


@settings(max_examples=200, deadline=None)
@given(name=oci_names)
def test_every_oci_reference_is_refused_with_the_folder_alternative(name: str) -> None:
    with tempfile.TemporaryDirectory() as base, pytest.raises(SandboxConfigError) as caught:
        resolve_image(name, Path(base))
    assert "OCI image name" in str(caught.value) and "folder" in str(caught.value)


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=40))
def test_any_image_value_is_a_folder_or_a_clear_error(value: str) -> None:
    with tempfile.TemporaryDirectory() as base:
        try:
            root = resolve_image(value, Path(base))
        except SandboxConfigError as exc:
            assert "sandbox image" in str(exc)
        else:
            assert root.is_dir()


credential_sets = st.lists(
    st.tuples(st.sampled_from(HIDDEN_IN_HOME), st.booleans()),
    min_size=1,
    max_size=6,
    unique_by=lambda t: t[0],
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(credentials=credential_sets, as_workspace=st.booleans())
async def test_no_credential_is_readable_whatever_the_home_holds(
    tmp_path_factory: pytest.TempPathFactory, credentials: list[tuple[str, bool]], as_workspace: bool
) -> None:
    base = tmp_path_factory.mktemp("home")
    home = base / "home"
    home.mkdir()
    secrets = []
    for i, (rel, as_folder) in enumerate(credentials):
        path = home / rel
        if any(p.is_file() for p in path.parents if home in p.parents):
            continue  # a file in the set already stands where this one's folder would be
        secret = f"SECRET-{i}-{rel}"
        if as_folder:
            (path / "sub").mkdir(parents=True, exist_ok=True)
            (path / "sub" / "key").write_text(secret + "\n")
        elif not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secret + "\n")
        else:
            continue
        secrets.append(secret)
    (home / "visible.txt").write_text("VISIBLE\n")
    workspace = home if as_workspace else base / "ws"
    workspace.mkdir(exist_ok=True)
    mounts = [] if as_workspace else [str(home)]
    sh = Shell(workspace, SandboxConfig(env={"HOME": str(home)}, ro_mounts=mounts), home=home)
    listing = "find ~ /workspace -type f -exec cat {} + 2>/dev/null; echo END"
    result = await sh.bash(listing)
    assert result.output.endswith("END") and "VISIBLE" in result.output
    leaked = [s for s in secrets if s in result.output]
    assert leaked == [], result.output
    shutil.rmtree(base)

"""Provider clients verify TLS: against the system's CAs by default, against ``SSL_CERT_FILE`` /
``SSL_CERT_DIR`` when set (as httpx honours them), with one SSL context kept per CA setting
(``_convert.sdk_http_client``). An HTTPS fake LLM server with a certificate of its own is the
oracle: trusted only when the setting names its certificate."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from a3s_code.errors import LLMError
from a3s_code.llm import LLMRequest, LLMResponse, create_client
from a3s_code.messages import Message
from tests.fakellm import FakeLLM

PATHS = [("anthropic", None), ("openai", "responses"), ("openai", "chat")]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
async def https_llm(certificate: tuple[Path, Path]) -> AsyncIterator[FakeLLM]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    fake = FakeLLM(strict=False)
    await fake.start(tls=context)
    yield fake
    await fake.stop()


async def _ask(fake: FakeLLM, provider: str, api: str | None) -> str:
    base = fake.anthropic_url if provider == "anthropic" else fake.openai_url
    client = create_client(provider, api_key="k", base_url=base, api=api)  # type: ignore[arg-type]
    request = LLMRequest(model="m", system="s", messages=[Message.user("hi")], max_tokens=64)
    async for event in client.stream(request):
        if isinstance(event, LLMResponse):
            return event.message.text()
    raise AssertionError("no response")


@pytest.mark.parametrize(("provider", "api"), PATHS)
async def test_a_server_is_trusted_only_when_the_ca_setting_names_its_certificate(
    https_llm: FakeLLM,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    provider: str,
    api: str | None,
) -> None:
    cert, _key = certificate
    https_llm.text("over TLS").text("again")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    assert await _ask(https_llm, provider, api) == "over TLS"
    # A client built after the setting is gone must not reuse the context that trusted the server.
    monkeypatch.delenv("SSL_CERT_FILE")
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with pytest.raises(LLMError) as refused:
        await _ask(https_llm, provider, api)
    # said as what it is, with the fix, and not retried: an untrusted certificate stays untrusted
    assert "TLS certificate is not trusted" in str(refused.value) and "SSL_CERT_FILE" in str(refused.value)
    assert "gave up after" not in str(refused.value) and len(https_llm.requests) == 1

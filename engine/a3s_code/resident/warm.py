"""What every resident server warms: the engine, every provider path, a throwaway session."""

from __future__ import annotations

WARM_CONFIG = """
default_model = "openai/warm-up"
providers {
  name    = "openai"
  api_key = "warm-up"
  models { id = "warm-up" }
}
"""


def warm_engine() -> list[str]:
    """Import and warm what a first prompt of any provider path needs (SDKs, their stream
    validators, a client of each path, the HCL parser's tables, a session's services and tools,
    built once in a throwaway folder, the encoding detector); returns what was warmed. Blocking,
    about 3 s on an idle machine. Leaves no thread or event loop behind, so the caller may fork
    afterwards."""
    import asyncio
    import tempfile

    from ..agent import Agent
    from ..llm.deferred import warm_up_all
    from ..options import SessionOptions
    from ..textcodec import decode
    from ..tools import builtin_tools

    warmed = warm_up_all()
    for tool in builtin_tools():
        tool.spec()  # each tool's input schema, built once per class
    decode("# café\n".encode("cp1252"))  # chardet and its models: a first non-UTF-8 file costs ~100 ms
    with tempfile.TemporaryDirectory(prefix="a3s-warm-") as folder:
        session = Agent(WARM_CONFIG).session(folder, SessionOptions())
        asyncio.run(session.close_async())
    return [*warmed, "session", "encoding detector"]

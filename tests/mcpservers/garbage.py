"""An MCP server that completes the handshake, then answers ``tools/call`` with garbage.

The SDK's server validates what it sends, so this one frames JSON-RPC itself on stdio (with the
SDK's own types for the handshake); ``mode`` picks the kind of garbage: a non-JSON line followed
by nothing, or a well-formed response whose result breaks the schema.
"""

from __future__ import annotations

import json
import sys

from mcp.types import LATEST_PROTOCOL_VERSION

TOOLS = [
    {
        "name": "mangled",
        "description": "Answers with a result that breaks the schema.",
        "inputSchema": {"type": "object"},
    },
    {
        "name": "noise",
        "description": "Answers with a line that is not JSON.",
        "inputSchema": {"type": "object"},
    },
]


def send(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main() -> None:
    for line in sys.stdin:
        msg = json.loads(line)
        method, mid = msg.get("method"), msg.get("id")
        if mid is None:
            continue
        if method == "initialize":
            result = {
                "protocolVersion": msg["params"].get("protocolVersion", LATEST_PROTOCOL_VERSION),
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "garbage", "version": "0"},
            }
            send({"jsonrpc": "2.0", "id": mid, "result": result})
        elif method == "tools/list":
            send({"jsonrpc": "2.0", "id": mid, "result": {"tools": TOOLS}})
        elif method == "tools/call" and msg["params"]["name"] == "mangled":
            send({"jsonrpc": "2.0", "id": mid, "result": {"content": "not a list", "isError": "maybe"}})
        elif method == "tools/call":
            sys.stdout.write("}}}} this is not json {{{{\n")
            sys.stdout.flush()
        else:
            send({"jsonrpc": "2.0", "id": mid, "error": {"code": -32601, "message": f"no {method}"}})


if __name__ == "__main__":
    main()

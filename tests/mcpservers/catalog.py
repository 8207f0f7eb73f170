"""A fast MCP server for one domain of the 200-tool catalogue (``tests/bench/tool_catalog.py``).

``catalog.py github`` serves GitHub's ten tools. It frames JSON-RPC on stdio itself, without the
SDK, so twenty of them start in well under a second; ``tools/call`` echoes the call back.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.tool_catalog import CATALOG, tool_schema  # noqa: E402


def send(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(domain: str) -> None:
    tools = [
        {"name": name, "description": desc, "inputSchema": tool_schema(params)}
        for name, desc, params in CATALOG[domain]
    ]
    for line in sys.stdin:
        msg = json.loads(line)
        method, mid = msg.get("method"), msg.get("id")
        if mid is None:
            continue
        if method == "initialize":
            result = {
                "protocolVersion": msg["params"]["protocolVersion"],
                "capabilities": {"tools": {}},
                "serverInfo": {"name": domain, "version": "1"},
            }
            send({"jsonrpc": "2.0", "id": mid, "result": result})
        elif method == "tools/list":
            send({"jsonrpc": "2.0", "id": mid, "result": {"tools": tools}})
        elif method == "tools/call":
            params = msg["params"]
            text = (
                f"{domain}.{params['name']} done: {json.dumps(params.get('arguments', {}), sort_keys=True)}"
            )
            send({"jsonrpc": "2.0", "id": mid, "result": {"content": [{"type": "text", "text": text}]}})
        else:
            send({"jsonrpc": "2.0", "id": mid, "error": {"code": -32601, "message": f"no {method}"}})


if __name__ == "__main__":
    main(sys.argv[1])

"""08 · Hooks: observe and intercept the agent's lifecycle (audit every tool, block dangerous ones).

Run: A3S_CONFIG=agent.hcl python 08_hooks.py [workspace]
"""

import sys
from typing import Any

from a3s_code import Agent
from a3s_code.hooks import HookResult

audit: list[str] = []


def record(event: str, payload: dict[str, Any]) -> None:
    audit.append(f"{event}: {payload.get('tool')} {payload.get('args')}")


def no_deleting(event: str, payload: dict[str, Any]) -> HookResult:
    command = str(payload.get("args", {}).get("command", ""))
    if payload.get("tool") == "bash" and command.lstrip().startswith("rm "):
        return HookResult.block("deleting files is not allowed here")
    return HookResult.proceed()


def main() -> None:
    workspace = sys.argv[1] if len(sys.argv) > 1 else "."
    session = Agent().session(workspace)
    session.register_hook("audit", "pre_tool_use", record, priority=1)  # lower runs first
    session.register_hook("guard", "pre_tool_use", no_deleting, priority=10)
    result = session.send("Clean up the build folder")
    print(result.text)
    print("audit log:")
    for line in audit:
        print("  " + line)


if __name__ == "__main__":
    main()

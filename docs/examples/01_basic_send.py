"""01 · Basic send: one prompt, one complete answer.

Run: A3S_CONFIG=agent.hcl python 01_basic_send.py [workspace]
The config comes from discovery: $A3S_CONFIG, then ~/.a3s/config.hcl, then ./agent.hcl.
"""

import sys

from a3s_code import Agent


def main() -> None:
    workspace = sys.argv[1] if len(sys.argv) > 1 else "."
    agent = Agent()
    session = agent.session(workspace)
    result = session.send("What files handle authentication?")
    print(result.text)
    print(f"[{result.total_tokens} tokens, {result.tool_calls_count} tool calls, ${result.cost_usd:.4f}]")


if __name__ == "__main__":
    main()

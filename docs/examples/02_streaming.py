"""02 · Streaming: print the answer as it is generated and show tool calls as they happen.

Run: A3S_CONFIG=agent.hcl python 02_streaming.py [workspace]
"""

import sys

from a3s_code import Agent


def main() -> None:
    workspace = sys.argv[1] if len(sys.argv) > 1 else "."
    session = Agent().session(workspace)
    for event in session.stream("List the files here and describe the project"):
        if event.event_type == "text_delta":
            print(event.text, end="", flush=True)
        elif event.event_type == "tool_start":
            print(f"\n[tool] {event.tool_name} {event.args}")
        elif event.event_type == "tool_end":
            print(f"[tool done] {event.tool_name} exit={event.exit_code}")
        elif event.event_type == "turn_end":
            print(f"\n[turn {event.turn} ended: {event.stop_reason}, {event.usage.total_tokens} tokens]")


if __name__ == "__main__":
    main()

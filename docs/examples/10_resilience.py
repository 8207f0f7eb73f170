"""10 · Resilience: auto-compaction, parse retries, tool timeouts and the circuit breaker.

Provider hiccups (429, 5xx, dropped streams) are retried; a malformed tool call is sent back to
the model to fix; repeated failures open the circuit instead of burning tokens.
Run: A3S_CONFIG=agent.hcl python 10_resilience.py [workspace]
"""

import sys

from a3s_code import Agent, SessionOptions


def main() -> None:
    workspace = sys.argv[1] if len(sys.argv) > 1 else "."
    options = (
        SessionOptions()
        .with_auto_compact(True)
        .with_auto_compact_threshold(0.80)
        .with_parse_retries(3)
        .with_tool_timeout(30_000)
        .with_circuit_breaker(5)
    )
    session = Agent().session(workspace, options)
    for event in session.stream("Summarise the repository layout"):
        if event.event_type == "error":
            print(f"[recovering] {event.message}")
        elif event.event_type == "text_delta":
            print(event.text, end="", flush=True)
        elif event.event_type == "turn_end":
            print(f"\n[{event.stop_reason}]")


if __name__ == "__main__":
    main()

"""05 · Planning: decompose a larger task into steps and track the goal across turns.

Run: A3S_CONFIG=agent.hcl python 05_planning.py [workspace]
"""

import sys

from a3s_code import Agent, SessionOptions


def main() -> None:
    workspace = sys.argv[1] if len(sys.argv) > 1 else "."
    options = SessionOptions().with_planning(True).with_goal_tracking(True)
    session = Agent().session(workspace, options)
    for event in session.stream("Add input validation to the signup form and update the tests"):
        kind = event.event_type
        if kind.startswith(("plan", "step", "goal")):
            print(f"[{kind}] {event.model_dump(exclude={'type'})}")
        elif kind == "text_delta":
            print(event.text, end="", flush=True)
        elif kind == "turn_end":
            print(f"\n[done: {event.stop_reason}]")


if __name__ == "__main__":
    main()

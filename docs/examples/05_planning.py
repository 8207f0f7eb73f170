"""05 · Planning: decompose a larger task into steps and track the goal across turns.

Independent steps run at the same time; a step that depends on others waits for them.
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
        if kind == "goal_extracted":
            print(f"[goal] {event.goal}")
        elif kind == "planning_end":
            for step in event.plan["steps"]:
                after = f" (after {', '.join(step['dependencies'])})" if step["dependencies"] else ""
                print(f"[plan] {step['id']}: {step['description']}{after}")
        elif kind == "step_start":
            print(f"[step {event.step_number}/{event.total_steps}, wave {event.wave}] {event.description}")
        elif kind == "goal_progress":
            print(f"[goal] {event.progress:.0%} done")
        elif kind == "goal_achieved":
            print(f"[goal] achieved in {event.turns} turn(s)")
        elif kind == "text_delta":
            print(event.text, end="", flush=True)
        elif kind == "turn_end":
            print(f"\n[done: {event.stop_reason}]")
    print(f"goal: {session.goal.goal.description if session.goal else None}")


if __name__ == "__main__":
    main()

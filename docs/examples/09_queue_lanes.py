"""09 · Queue lanes: submit tool work straight to the priority lanes, bypassing the model.

Lane priority: control > query > execute > generate. Query batches run in parallel.
Run: A3S_CONFIG=agent.hcl python 09_queue_lanes.py [workspace]
"""

import sys

from a3s_code import Agent


def main() -> None:
    workspace = sys.argv[1] if len(sys.argv) > 1 else "."
    session = Agent().session(workspace)
    result = session.submit("execute", {"command": "echo queued"})
    print("execute:", result)
    results = session.submit_batch("query", [{"path": "a.txt"}, {"path": "b.txt"}])
    print("query batch:", [r.output for r in results])
    print("stats:", session.queue_stats())
    print("dead letters:", session.dead_letters())


if __name__ == "__main__":
    main()

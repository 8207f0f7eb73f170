"""03 · Multi-turn: one session keeps the conversation, so later prompts can refer to earlier ones.

Run: A3S_CONFIG=agent.hcl python 03_multi_turn.py [workspace]
"""

import sys

from a3s_code import Agent


def main() -> None:
    workspace = sys.argv[1] if len(sys.argv) > 1 else "."
    session = Agent().session(workspace)
    prompts = [
        "Remember this: the release codename is BLUEBIRD.",
        "What is the release codename?",
        "Spell it backwards.",
    ]
    for prompt in prompts:
        result = session.send(prompt)
        print(f"> {prompt}\n{result.text}\n")
    print(session.command("/history").text)


if __name__ == "__main__":
    main()

"""04 · Model switching: pick a provider/model and temperature per session, switch mid-session.

Run: A3S_CONFIG=agent.hcl A3S_MODEL=openai/gpt-4o python 04_model_switching.py [workspace]
Every ``provider/model`` must name a provider configured in the HCL file.
"""

import os
import sys

from a3s_code import Agent, SessionOptions


def main() -> None:
    workspace = sys.argv[1] if len(sys.argv) > 1 else "."
    agent = Agent()
    other = os.environ.get("A3S_MODEL", agent.config.default_model or "")

    options = SessionOptions().with_model(other)
    options.temperature = 0.2
    session = agent.session(workspace, options)
    print(session.command("/model").text)
    print(session.send("Say hello in one short sentence.").text)

    # Back to the config's default for the next turn; the history carries over.
    session.set_model(agent.config.default_model or other)
    print(session.command("/model").text)
    print(session.send("And now in French.").text)


if __name__ == "__main__":
    main()

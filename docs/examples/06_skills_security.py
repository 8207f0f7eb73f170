"""06 · Skills and security: built-in skills guide the model; secrets and PII never reach it.

Run: A3S_CONFIG=agent.hcl python 06_skills_security.py [workspace]
"""

import sys

from a3s_code import Agent, SessionOptions


def main() -> None:
    workspace = sys.argv[1] if len(sys.argv) > 1 else "."
    options = SessionOptions(builtin_skills=True, default_security=True)
    session = Agent().session(workspace, options)
    print("skills:", ", ".join(sorted(s.name for s in session.skills.all())))

    # The e-mail address and the key are redacted before the prompt is sent to the provider.
    result = session.send(
        "Review this code for bugs. Contact ada@example.com; key sk-ant-api03-abcdefghijklmnopqrstuvwx"
    )
    print("active skills:", ", ".join(s.name for s in session.active_skills) or "none")
    print(result.text)


if __name__ == "__main__":
    main()

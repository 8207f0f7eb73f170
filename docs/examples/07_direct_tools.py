"""07 · Direct tools: call the agent's tools from code, without the model (no tokens spent).

Run: A3S_CONFIG=agent.hcl python 07_direct_tools.py [workspace]
"""

import sys

from a3s_code import Agent


def main() -> None:
    workspace = sys.argv[1] if len(sys.argv) > 1 else "."
    session = Agent().session(workspace)
    session.tool("write", {"file_path": "hello.py", "content": "print('hello')  # TODO: greet by name\n"})
    print("read:", session.read_file("hello.py").strip())
    print("glob:", session.glob("**/*.py").strip())
    print("grep:", session.grep("TODO").strip())
    print("bash:", session.bash("echo from bash").strip())
    result = session.tool("edit", {"file_path": "hello.py", "old_string": "hello", "new_string": "hi"})
    print("edit:", result.output.splitlines()[0])
    print("after:", session.read_file("hello.py").strip())


if __name__ == "__main__":
    main()

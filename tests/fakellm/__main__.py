"""``python -m tests.fakellm --script turns.json``: serve a script to another process (daemon tests)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from .script import Turn
from .server import FakeLLM


async def _main(args: argparse.Namespace, turns: list[Turn]) -> None:
    fake = FakeLLM().add(*turns)
    url = await fake.start(args.port)
    if args.url_file:
        tmp = Path(args.url_file + ".tmp")
        tmp.write_text(url)  # noqa: ASYNC240 - once, before serving
        tmp.replace(args.url_file)  # noqa: ASYNC240
    print(url, file=sys.stderr, flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--script", help="JSON list of turns")
    parser.add_argument("--url-file", help="write the base URL here once listening")
    args = parser.parse_args()
    turns = [Turn.from_json(raw) for raw in json.loads(Path(args.script).read_text())] if args.script else []
    asyncio.run(_main(args, turns))


if __name__ == "__main__":
    main()

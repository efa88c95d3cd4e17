"""`lunar-race rules`, `docs` and `example-bot`: the documents and the bot kit, installed.

The rules, the protocol and the example bots ship inside the package (as `game.docs` and
`game.examples`), so a bot author who installed the game with pip can read and copy them
without the source checkout. In a checkout the files are read from `docs/` and `examples/`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

# Example bots by language: the files that make up each, relative to examples/.
EXAMPLES = {
    "python": ("json_lines_bot.py",),
    "js": ("js/bot.js", "js/kit.js", "js/README.md"),
}


def shipped(folder: str) -> Path:
    """A data folder of the game: the checkout's `docs/` or `examples/`, else the installed
    copy beside the `game` package (`game/docs`, `game/examples`)."""
    checkout = Path(__file__).resolve().parents[2] / folder
    if checkout.is_dir() and (checkout.parent / "pyproject.toml").is_file():
        return checkout
    return Path(__file__).resolve().parents[1] / folder


DOCUMENT_TYPES = (".md", ".json")  # the pages, and the JSON Schema of views and messages


def document_names() -> list[str]:
    return sorted(p.stem for p in shipped("docs").iterdir() if p.suffix in DOCUMENT_TYPES)


def document(name: str) -> Path | None:
    for suffix in DOCUMENT_TYPES:
        path = shipped("docs") / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rules = sub.add_parser(
        "rules", help="print the rules of the game", description="Print docs/rules.md."
    )
    rules.set_defaults(handler=lambda args: print_document("rules"))
    docs = sub.add_parser(
        "docs",
        help="list the documents, or print one",
        description="The documents that ship with the game: rules, protocol, bots, "
        "replays, hosting, and schema (the JSON Schema of views, commands and messages).",
    )
    docs.add_argument("name", nargs="?", default=None, help="a document to print")
    docs.set_defaults(handler=run_docs)
    example = sub.add_parser(
        "example-bot",
        help="print an example bot, or copy the bot kit into a folder",
        description="Print the example JSON-lines bot, or with --out copy it into a folder "
        "to start your own (see `lunar-race docs bots`).",
    )
    example.add_argument(
        "--lang", choices=sorted(EXAMPLES), default="python", help="the bot's language"
    )
    example.add_argument("--out", type=Path, default=None, help="copy the files into this folder")
    example.set_defaults(handler=run_example)


def print_document(name: str) -> int:
    path = document(name)
    if path is None:
        known = ", ".join(document_names())
        print(f"lunar-race: no document {name!r}; there are: {known}", file=sys.stderr)
        return 2
    sys.stdout.write(path.read_text(encoding="utf-8"))
    return 0


def run_docs(args: argparse.Namespace) -> int:
    if args.name is None:
        for name in document_names():
            print(name)
        return 0
    return print_document(args.name)


def run_example(args: argparse.Namespace) -> int:
    root = shipped("examples")
    files = EXAMPLES[args.lang]
    if args.out is None:
        sys.stdout.write((root / files[0]).read_text(encoding="utf-8"))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name in files:
        target = args.out / Path(name).name
        shutil.copyfile(root / name, target)
        print(target)
    return 0

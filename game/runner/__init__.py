"""Headless play: the match runner, the subprocess bot host, tournaments and ratings.

Replay files are written and read by `game.replay`, below this package.

    from game.runner.match import run_match
    result = run_match({"nasa": "planner"}, bot="greedy", seed=7)
    result.to_json(), result.replay

The `lunar-race match`, `tournament` and `replay` commands live in `game.cli.headless`.
"""

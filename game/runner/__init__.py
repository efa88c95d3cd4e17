"""Headless play: the match runner, replay files, the subprocess bot host, tournaments.

    from game.runner.match import run_match
    result = run_match({"nasa": "planner"}, bot="greedy", seed=7)
    result.to_json(), result.replay

The `lunar-race match`, `tournament` and `replay` commands live in `game.cli.headless`.
"""

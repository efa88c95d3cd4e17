"""Benchmarks: each module measures one part of the game and reports rows for one table."""

"""Tests of the multiplayer server."""

"""Tests of the network client library."""

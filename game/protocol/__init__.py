"""The wire protocol both ends speak: message schemas, the msgpack codec, error and close codes.

The server, the network client and any bot author's client import this package and nothing
of each other: `messages` says what a message may hold (`parse` checks a client's), `codec`
turns messages into bytes and back, and `errors` names every refusal with a stable code.
docs/protocol.md is the same contract in words.
"""

"""The authoritative Lunar Race server: WebSocket + msgpack over the pure rules in game.rules.

Modules, from the wire inwards: `codec` (bytes <-> maps), `protocol` (message types and
schemas), `errors` (codes, close codes, the exception tree), `limits`, `lobby` and `room`
(sans-I/O lobby, seats, tokens, turn clock decisions), `seats` (AI seats), `work` (turns and
AI seats in worker processes, off the event loop), `store` (SQLite),
`replays`, `log` (structured logs), `app` (the asyncio adapter) and `cli` (`lunar-race
serve`). docs/protocol.md is the protocol; docs/hosting.md is how to run it.
"""

"""The authoritative Lunar Race server: WebSocket + msgpack over the pure rules in game.rules.

It speaks the protocol of `game.protocol` (schemas, codec, error codes), which the clients
import too. Modules, from the pure core outwards: `limits`, `lobby` and `room` (sans-I/O
lobby, seats, tokens, turn clock decisions), `turns` (the pure work of a turn: resolve it,
let an AI seat think, render views), `snapshot` (a state's stored bytes), `seats` (AI
seats), `work` (the process pool that runs `turns` off the event loop), `store` (SQLite),
`migrations` (its schema versions), `refound` (matches of older rules played again),
`quarantine` (a damaged store refused or set aside), `backup`, `replays`, `log`
(structured logs), `metrics` (Prometheus), `admin` (the admin's commands and bans),
`connection` and `app` (the asyncio adapter), `config` (a host's settings), `runtime` (the
event loop, file limit and stop signals), `process` (the server as a child process) and
`local` (a server on loopback in a thread, for a local game). `lunar-race serve`, `backup`
and `admin` are wired in `game.cli`. docs/protocol.md is the protocol; docs/hosting.md is
how to run it.
"""

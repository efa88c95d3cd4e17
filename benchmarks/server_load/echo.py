"""The ceiling: a bare websockets + msgpack echo server, nothing else.

`python -m benchmarks.server_load.echo --port-file PATH` listens on 127.0.0.1 (port 0) and
answers every binary message with the same map, decoded and encoded again, with its "id"
echoed as "ref" - the least a msgpack request/reply server can do. It runs on the same event
loop as the game server and the clients (uvloop where installed).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from pathlib import Path

import msgpack
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from server.runtime import run_event_loop


async def echo(ws: ServerConnection) -> None:
    try:
        async for data in ws:
            message = msgpack.unpackb(data, raw=False)
            message["ref"] = message.pop("id", None)
            await ws.send(msgpack.packb(message, use_bin_type=True))
    except ConnectionClosed:
        pass


async def main(port_file: Path) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    async with serve(echo, "127.0.0.1", 0, compression=None, max_size=64 * 1024) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        tmp = port_file.with_name(port_file.name + ".tmp")
        tmp.write_text(str(port))
        os.replace(tmp, port_file)
        await stop.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port-file", type=Path, required=True)
    run_event_loop(main(parser.parse_args().port_file))

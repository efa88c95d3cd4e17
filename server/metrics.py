"""What the server measures, for Prometheus: `GET /metrics` on the server's own port.

Times are histograms the server fills as it works: how long an order waits from its arrival
to its acknowledgement (the store's commit included), and how long a turn takes from the
start of its resolution (the worker queue included) to its commit. Counts are read from the
server when Prometheus asks: connections, rooms by phase, turn jobs waiting for or running
in a worker. Each server has a registry of its own, so that several servers in one process
(tests, a local game) do not mix their numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from game.protocol.messages import Phase

if TYPE_CHECKING:
    from server.app import GameServer

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
ACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
TURN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _Now(Collector):
    """The counts read from the server at each scrape."""

    def __init__(self, server: GameServer) -> None:
        self.server = server

    def collect(self) -> Iterator[GaugeMetricFamily]:
        server = self.server
        yield GaugeMetricFamily(
            "lunar_race_connections", "Open client connections", value=len(server.peers)
        )
        rooms = GaugeMetricFamily("lunar_race_rooms", "Rooms on the server", labels=["phase"])
        phases = [room.phase for room in server.lobby.rooms.values()]
        for phase in Phase:
            rooms.add_metric([phase.value], phases.count(phase))
        yield rooms
        yield GaugeMetricFamily(
            "lunar_race_worker_queue",
            "Turn jobs (resolutions, AI seats) waiting for or running in a worker",
            value=server.work.pending,
        )


class Metrics:
    """One server's measurements and the registry Prometheus reads them from."""

    def __init__(self, server: GameServer) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.ack_seconds = Histogram(
            "lunar_race_ack_seconds",
            "Time from orders arriving to their acknowledgement",
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.turn_seconds = Histogram(
            "lunar_race_turn_seconds",
            "Time from a turn's resolution starting to its commit, the worker queue included",
            buckets=TURN_BUCKETS,
            registry=self.registry,
        )
        self.refusals = Counter(
            "lunar_race_refusals",
            "Client messages refused, by error code",
            ["code"],
            registry=self.registry,
        )
        self.registry.register(_Now(server))

    def render(self) -> bytes:
        """The text Prometheus scrapes."""
        return generate_latest(self.registry)

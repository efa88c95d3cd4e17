"""What the server measures, for Prometheus: `GET /metrics` on the server's own port.

Times are histograms the server fills as it works: how long an order waits from its arrival
to its acknowledgement (the store's commit included), and how long a turn takes from the
start of its resolution (the worker queue included) to its commit. Counts are read from the
server when Prometheus asks: connections, rooms by phase, turn jobs waiting for or running
in a worker. Each server has a registry of its own, so that several servers in one process
(tests, a local game) do not mix their numbers.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from game.protocol.messages import Phase

if TYPE_CHECKING:
    from server.app import GameServer

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
ACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
TURN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Timings:
    """A histogram kept as plain counts: `observe` is on the path of every acknowledgement,
    and a bisection and two additions cost a fifth of prometheus_client's locked `Histogram`.
    Read only on the event loop's thread, so it needs no lock."""

    __slots__ = ("bounds", "counts", "total")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  # the last counts what is over every bound
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect.bisect_left(self.bounds, seconds)] += 1
        self.total += seconds

    def family(self, name: str, documentation: str) -> HistogramMetricFamily:
        """The histogram as Prometheus reads it: cumulative counts under each bound."""
        buckets = []
        running = 0
        for bound, count in zip((*map(str, self.bounds), "+Inf"), self.counts, strict=True):
            running += count
            buckets.append((bound, running))
        return HistogramMetricFamily(name, documentation, buckets=buckets, sum_value=self.total)


class Metrics(Collector):
    """One server's measurements, and the registry Prometheus reads them from: the times as
    they were recorded, the counts as the server holds them at each scrape."""

    def __init__(self, server: GameServer) -> None:
        self.server = server
        self.ack_seconds = Timings(ACK_BUCKETS)
        self.turn_seconds = Timings(TURN_BUCKETS)
        self.refusals: Counter[str] = Counter()  # error code -> messages refused
        self.registry = CollectorRegistry(auto_describe=True)
        self.registry.register(self)

    def collect(self) -> Iterator[HistogramMetricFamily | GaugeMetricFamily | CounterMetricFamily]:
        server = self.server
        yield self.ack_seconds.family(
            "lunar_race_ack_seconds", "Time from orders arriving to their acknowledgement"
        )
        yield self.turn_seconds.family(
            "lunar_race_turn_seconds",
            "Time from a turn's resolution starting to its commit, the worker queue included",
        )
        refusals = CounterMetricFamily(
            "lunar_race_refusals", "Client messages refused, by error code", labels=["code"]
        )
        for code, count in sorted(self.refusals.items()):
            refusals.add_metric([code], count)
        yield refusals
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

    def render(self) -> bytes:
        """The text Prometheus scrapes."""
        return generate_latest(self.registry)

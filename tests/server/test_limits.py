"""Limits: the rate bucket lets bursts through, then holds a sender to its rate."""

from __future__ import annotations

from server.limits import Limits, RateBucket


def test_a_burst_passes_then_the_rate_applies() -> None:
    bucket = RateBucket(rate=10, burst=5, now=0.0)
    assert all(bucket.take(0.0) for _ in range(5))
    assert not bucket.take(0.0)
    assert bucket.take(0.1)  # one message refilled after a tenth of a second
    assert not bucket.take(0.1)


def test_the_bucket_never_holds_more_than_its_burst() -> None:
    bucket = RateBucket(rate=10, burst=3, now=0.0)
    passed = sum(bucket.take(1000.0) for _ in range(10))
    assert passed == 3


def test_a_clock_going_backwards_does_not_refill() -> None:
    bucket = RateBucket(rate=10, burst=1, now=5.0)
    assert bucket.take(5.0)
    assert not bucket.take(4.0)


def test_scaling_changes_times_only() -> None:
    base = Limits()
    fast = base.scaled(0.1)
    assert fast.grace == base.grace * 0.1
    assert fast.hello_timeout == base.hello_timeout * 0.1
    assert fast.max_frame == base.max_frame
    assert fast.rate == base.rate


def test_welcome_shows_only_what_clients_need() -> None:
    assert set(Limits().public()) == {"max_frame", "rate", "burst", "chat_length", "grace"}

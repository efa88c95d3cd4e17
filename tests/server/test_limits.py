"""Limits: the rate bucket lets bursts through, then holds a sender to its rate."""

from __future__ import annotations

import pytest

from server.limits import Limits, RateBucket, client_address


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


def test_lines_that_waited_unread_while_the_server_was_busy_are_charged_at_arrival() -> None:
    """A sender at its rate, read all at once after a 10 s stall, is within its limit."""
    bucket = RateBucket(rate=1, burst=3, now=0.0)
    assert bucket.take(0.0)
    # Ten lines sent one a second arrive together at 10.5, the loop busy since 0.2.
    assert all(bucket.take(10.5, unread_since=0.2) for _ in range(10))


def test_without_a_stall_the_burst_applies() -> None:
    bucket = RateBucket(rate=1, burst=3, now=0.0)
    passed = sum(bucket.take(10.5) for _ in range(10))
    assert passed == 3
    stalled = RateBucket(rate=1, burst=3, now=0.0)
    assert sum(stalled.take(10.5, unread_since=0.2) for _ in range(20)) == 13  # not 20
    assert not stalled.take(10.6)  # read promptly again: back to the rate


def test_a_costly_answer_is_charged_its_size_and_leaves_a_debt() -> None:
    bucket = RateBucket(rate=100, burst=1000, now=0.0)
    assert bucket.take(0.0, cost=5000)  # bigger than the burst: allowed from a full bucket
    assert not bucket.take(30.0, cost=1)  # the debt takes 40 s to pay back
    assert bucket.take(41.0, cost=1)


def test_the_forwarded_address_counts_only_from_a_trusted_proxy() -> None:
    proxies = ("10.0.0.0/8",)
    assert client_address("10.0.0.5", "203.0.113.9", proxies) == "203.0.113.9"
    assert client_address("198.51.100.1", "203.0.113.9", proxies) == "198.51.100.1"
    # A client writing its own header gains nothing: the nearest untrusted entry counts.
    assert client_address("10.0.0.5", "1.2.3.4, 203.0.113.9", proxies) == "203.0.113.9"
    assert client_address("10.0.0.5", "203.0.113.9, 10.0.0.7", proxies) == "203.0.113.9"
    assert client_address("10.0.0.5", "not-an-address", proxies) == "10.0.0.5"
    assert client_address("10.0.0.5", None, proxies) == "10.0.0.5"


def test_limits_are_set_by_name_with_their_own_types() -> None:
    chosen = Limits().with_settings(["max_rooms_per_address=3", "trusted_proxies=10.0.0.1, ::1"])
    assert chosen.max_rooms_per_address == 3
    assert chosen.trusted_proxies == ("10.0.0.1", "::1")
    for bad in ("max_rooms_per_address=lots", "no_such_limit=1", "rate"):
        with pytest.raises(ValueError):
            Limits().with_settings([bad])

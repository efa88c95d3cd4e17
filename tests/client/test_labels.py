"""The label layout: names around points, never over one another."""

from __future__ import annotations

import pygame

from game.client.labels import LabelRequest, inside_circle, place_labels


def test_a_tight_cluster_of_labels_is_spread_so_none_overlaps():
    anchors = [(200 + 9 * (n % 3), 200 + 11 * (n // 3)) for n in range(8)]
    requests = [LabelRequest(a, (80, 14)) for a in anchors]
    spots = place_labels(requests, pygame.Rect(0, 0, 400, 400).contains, gap=8, dot=4)
    assert all(spot is not None for spot in spots)
    placed = [s for s in spots if s is not None]
    for n, spot in enumerate(placed):
        assert spot.collidelist(placed[:n] + placed[n + 1 :]) < 0, "two labels overlap"
        for x, y in anchors:
            assert not spot.collidepoint(x, y), "a label covers a point"


def test_an_optional_label_without_room_is_left_out():
    area = pygame.Rect(0, 0, 120, 30)
    requests = [LabelRequest((10, 15), (90, 14)), LabelRequest((14, 15), (90, 14), optional=True)]
    first, second = place_labels(requests, area.contains, gap=6, dot=3)
    assert first is not None and area.contains(first)
    assert second is None


def test_labels_stay_inside_a_round_area():
    inside = inside_circle((100, 100), 90)
    requests = [LabelRequest((100 + dx, 100), (60, 12)) for dx in (-50, 0, 50)]
    for spot in place_labels(requests, inside, gap=6, dot=3):
        assert spot is not None and inside(spot)


def test_a_label_naming_an_area_sits_on_it_when_free():
    spot = place_labels(
        [LabelRequest((100, 100), (60, 12), centred=True)], pygame.Rect(0, 0, 200, 200).contains
    )[0]
    assert spot is not None and spot.center == (100, 100)

"""Labels that do not overlap: a greedy layout around the points they name.

Each label is tried at a list of spots around its point - right, left, above, below, the
diagonals, then rings farther out - and takes the first spot that stays inside the area
and clear of every label placed before it and of every point. Labels are placed in the order
given, so the ones that must show (the sites) go first; a label with no free spot is dropped
only if it is marked optional.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pygame


@dataclass(frozen=True)
class LabelRequest:
    """A label of `size` (width, height) for the point `anchor`; `optional` ones may drop.
    A `centred` label names an area rather than a point: it is tried on the anchor first."""

    anchor: tuple[float, float]
    size: tuple[int, int]
    optional: bool = False
    centred: bool = False


def _spots(anchor: tuple[float, float], size: tuple[int, int], gap: float) -> list[pygame.Rect]:
    """Where a label may go, best first: beside, above and below its point, then the
    diagonals, then rings of sixteen spots ever farther out (with a leader line)."""
    x, y = anchor
    w, h = size
    centres = [
        (x + gap + w / 2, y),  # right
        (x - gap - w / 2, y),  # left
        (x, y - gap - h / 2),  # above
        (x, y + gap + h / 2),  # below
        (x + gap * 0.7 + w / 2, y - gap * 0.7 - h / 2),  # above right
        (x + gap * 0.7 + w / 2, y + gap * 0.7 + h / 2),  # below right
        (x - gap * 0.7 - w / 2, y - gap * 0.7 - h / 2),  # above left
        (x - gap * 0.7 - w / 2, y + gap * 0.7 + h / 2),  # below left
    ]
    for reach in (2.0, 3.2, 4.6, 6.2, 8.0):
        for k in range(16):
            angle = 2 * math.pi * k / 16
            dx, dy = math.cos(angle), math.sin(angle)
            centres.append((x + dx * (gap * reach + w / 2), y + dy * (gap * reach + h / 2)))
    out = []
    for cx, cy in centres:
        rect = pygame.Rect(0, 0, w, h)
        rect.center = (round(cx), round(cy))
        out.append(rect)
    return out


def place_labels(
    requests: Sequence[LabelRequest],
    inside: Callable[[pygame.Rect], bool],
    *,
    gap: float = 8.0,
    dot: float = 4.0,
    keep_clear: Sequence[pygame.Rect] = (),
) -> list[pygame.Rect | None]:
    """A rectangle for each label, in the order asked, or None for an optional one that
    found no room. A label that must show and finds no free spot takes its first spot
    inside the area (or, failing that, the first spot of all), so it is never lost."""
    side = round(2 * dot) + 1
    # The points of labels that name a point: no label may cover one of them.
    dots = [
        pygame.Rect(round(r.anchor[0] - dot), round(r.anchor[1] - dot), side, side)
        for r in requests
        if not r.centred
    ]
    taken: list[pygame.Rect] = list(keep_clear)
    out: list[pygame.Rect | None] = []
    for request in requests:
        own = pygame.Rect(
            round(request.anchor[0] - dot), round(request.anchor[1] - dot), side, side
        )
        others = [d for d in dots if d != own]
        spots = _spots(request.anchor, request.size, gap)
        if request.centred:
            centre = pygame.Rect(0, 0, *request.size)
            centre.center = (round(request.anchor[0]), round(request.anchor[1]))
            spots.insert(0, centre)
        chosen = None
        for spot in spots:
            if inside(spot) and spot.collidelist(taken) < 0 and spot.collidelist(others) < 0:
                chosen = spot
                break
        if chosen is None and not request.optional:
            chosen = next((s for s in spots if inside(s) and s.collidelist(taken) < 0), None)
            chosen = chosen or next((s for s in spots if inside(s)), spots[0])
        if chosen is not None:
            taken.append(chosen)
        out.append(chosen)
    return out


def inside_rect(area: pygame.Rect) -> Callable[[pygame.Rect], bool]:
    return area.contains


def inside_circle(centre: tuple[float, float], radius: float) -> Callable[[pygame.Rect], bool]:
    """True for a rectangle whose four corners are within the circle."""
    cx, cy = centre
    r2 = radius * radius

    def check(rect: pygame.Rect) -> bool:
        return all(
            (x - cx) ** 2 + (y - cy) ** 2 <= r2
            for x, y in (rect.topleft, rect.topright, rect.bottomleft, rect.bottomright)
        )

    return check

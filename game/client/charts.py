"""Line charts drawn by code for the end screen and the history: one line per agency over turns.

Each line carries a marker shape of its own as well as its colour (in the legend too), so
that lines are told apart without relying on colour.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import pygame

from game.client import theme
from game.client.theme import Fonts


def nice_step(span: float, ticks: int = 4) -> float:
    """A round tick spacing (1, 2 or 5 times a power of ten) giving closest to `ticks` ticks."""
    if span <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(span / ticks))
    steps = [m * power for m in (1, 2, 5, 10)]
    return min(steps, key=lambda step: abs(span / step - ticks))


MARKERS = ("circle", "square", "triangle", "diamond", "cross", "down", "plus", "bar")
MARKED_POINTS = 24  # at most this many markers on a line; longer lines get every n-th


def draw_marker(
    surface: pygame.Surface,
    shape: str,
    colour: tuple[int, int, int],
    centre: tuple[float, float],
    r: int,
) -> None:
    """One marker of `shape` (a name in MARKERS) with half-size `r` around `centre`."""
    x, y = centre
    if shape == "square":
        pygame.draw.rect(surface, colour, pygame.Rect(round(x - r), round(y - r), 2 * r, 2 * r))
    elif shape == "triangle":
        pygame.draw.polygon(
            surface, colour, [(x, y - r - 1), (x - r - 1, y + r), (x + r + 1, y + r)]
        )
    elif shape == "down":
        pygame.draw.polygon(
            surface, colour, [(x, y + r + 1), (x - r - 1, y - r), (x + r + 1, y - r)]
        )
    elif shape == "diamond":
        pygame.draw.polygon(
            surface, colour, [(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)]
        )
    elif shape == "cross":
        width = max(2, r // 2)
        pygame.draw.line(surface, colour, (x - r, y - r), (x + r, y + r), width)
        pygame.draw.line(surface, colour, (x - r, y + r), (x + r, y - r), width)
    elif shape == "plus":
        width = max(2, r // 2)
        pygame.draw.line(surface, colour, (x - r - 1, y), (x + r + 1, y), width)
        pygame.draw.line(surface, colour, (x, y - r - 1), (x, y + r + 1), width)
    elif shape == "bar":
        pygame.draw.rect(
            surface, colour, pygame.Rect(round(x - r - 1), round(y - r / 2), 2 * r + 2, r)
        )
    else:
        pygame.draw.circle(surface, colour, (x, y), r)


def draw_line_chart(
    surface: pygame.Surface,
    rect: pygame.Rect,
    fonts: Fonts,
    title: str,
    series: Mapping[str, Sequence[float | None]],
    *,
    x_label: Callable[[int], str] = str,
    colour_of: Callable[[str], tuple[int, int, int]] = theme.agency_colour,
    unit: str = "",
    add_tip: Callable[[pygame.Rect, str], None] | None = None,
) -> None:
    """A framed chart: a title, y ticks, x labels and one line per series.

    `series[name][i]` is the value at point i (None where unknown, e.g. a rival's hidden
    budget). `add_tip` receives hover areas with the values at each point.
    """
    pygame.draw.rect(surface, theme.PANEL, rect, border_radius=6)
    pygame.draw.rect(surface, theme.PANEL_EDGE, rect, 1, 6)
    pad = round(10 * fonts.scale)
    head = fonts.render(title, 15, theme.ACCENT, bold=True)
    surface.blit(head, (rect.x + pad, rect.y + pad // 2))
    small = fonts.get(11)
    shape = {name: MARKERS[n % len(MARKERS)] for n, name in enumerate(series)}
    mark_r = max(3, round(3.5 * fonts.scale))
    # The legend: a row (or more) under the title, a swatch with the line's marker per line.
    lx, ly = rect.x + pad, rect.y + pad // 2 + head.get_height()
    row_h = small.get_height() + 2
    for name in series:
        img = fonts.render(name, 11, colour_of(name))
        if lx + img.get_width() + 20 > rect.right - pad:
            lx, ly = rect.x + pad, ly + row_h
        mid = ly + row_h // 2
        pygame.draw.line(surface, colour_of(name), (lx, mid), (lx + 16, mid), 2)
        draw_marker(surface, shape[name], colour_of(name), (lx + 8, mid), mark_r)
        surface.blit(img, (lx + 19, ly))
        lx += img.get_width() + 30
    top = ly + row_h + pad // 2
    values = [v for line in series.values() for v in line if v is not None]
    points = max((len(line) for line in series.values()), default=0)
    plot = pygame.Rect(
        rect.x + pad + small.size("00000")[0],
        top,
        rect.width - 2 * pad - small.size("00000")[0],
        rect.bottom - top - pad - small.get_height(),
    )
    if not values or points < 1 or plot.width < 20 or plot.height < 20:
        img = small.render("no data yet", True, theme.MUTED)
        surface.blit(img, img.get_rect(center=rect.center))
        return
    lo, hi = min(0.0, min(values)), max(values)
    if hi <= lo:
        hi = lo + 1.0
    step = nice_step(hi - lo)
    hi = step * -(-hi // step)

    def to_y(v: float) -> float:
        return plot.bottom - (v - lo) / (hi - lo) * plot.height

    def to_x(i: int) -> float:
        return plot.x + (i / max(1, points - 1)) * plot.width

    tick = lo
    while tick <= hi + 1e-9:
        y = to_y(tick)
        pygame.draw.line(surface, (34, 42, 66), (plot.x, y), (plot.right, y))
        text = f"{tick:,.0f}" if abs(hi) >= 10 else f"{tick:.1f}"
        img = small.render(text, True, theme.MUTED)
        surface.blit(img, (plot.x - img.get_width() - 4, y - img.get_height() / 2))
        tick += step
    label_every = max(1, points // 6)
    for i in range(0, points, label_every):
        img = small.render(x_label(i), True, theme.MUTED)
        surface.blit(img, (to_x(i) - img.get_width() / 2, plot.bottom + 2))
    width = max(2, round(2 * fonts.scale))
    for name, line in series.items():
        colour = colour_of(name)
        run: list[tuple[float, float]] = []
        for i, v in enumerate(line):
            if v is None:
                if len(run) > 1:
                    pygame.draw.lines(surface, colour, False, run, width)
                run = []
                continue
            run.append((to_x(i), to_y(v)))
        if len(run) > 1:
            pygame.draw.lines(surface, colour, False, run, width)
        every = max(1, -(-points // MARKED_POINTS))
        for i, v in enumerate(line):
            if v is not None and (i % every == 0 or i == len(line) - 1):
                draw_marker(surface, shape[name], colour, (to_x(i), to_y(v)), mark_r)
    if add_tip is not None:
        col_w = max(4, plot.width // max(1, points))
        for i in range(points):
            lines = [f"{title} - {x_label(i)}"]
            for name, line in series.items():
                if i < len(line) and line[i] is not None:
                    lines.append(f"{name}: {line[i]:,.0f}{unit}")
            area = pygame.Rect(to_x(i) - col_w / 2, plot.y, col_w, plot.height)
            add_tip(area, "\n".join(lines))

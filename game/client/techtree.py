"""The tech tree as a graph: layered by prerequisites, one band per branch, scrollable and zoomable.

`layout_tree` places every technology in a column (its depth: one more than its deepest
prerequisite) and in its branch's band, ordered so that edges cross as little as a simple
barycentre pass manages. `TechTreeView` draws the graph with each technology's state
(known, researchable, locked, progress, reliability and its cap, money ordered this turn),
and handles wheel zoom, drag and arrow-key scrolling, hover and click.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pygame

from game.client import theme
from game.client.theme import Fonts
from game.client.wording import percent

NODE_W, NODE_H = 200, 72
COL_GAP, ROW_GAP = 64, 14
BAND_GAP = 26
LABEL_W = 150
MARGIN = 20
READABLE_ZOOM = 0.7  # below this a node's lines are too small to read: fit scrolls instead


class TechLike(Protocol):
    """What the layout needs of a technology (game.rules.content.Tech fits)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def branch(self) -> str: ...
    @property
    def requires(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class TechStatus:
    """One technology as the player's agency sees it this turn."""

    known: bool = False
    progress: float = 0.0  # share of the cost paid, 0..1
    reliability: float = 0.0  # the hardware's reliability once known (0 when it has none)
    cap: float = 0.0
    available: bool = False  # prerequisites met: research can be ordered
    planned: int = 0  # $M ordered this turn


@dataclass
class TreeLayout:
    """World positions of nodes (top-left corners) and of each branch band."""

    nodes: dict[str, tuple[int, int]]
    bands: list[tuple[str, int, int]]  # (branch, top, height)
    size: tuple[int, int]
    edges: list[tuple[str, str]] = field(default_factory=list)  # (prerequisite, tech)


def tech_depths(techs: Mapping[str, TechLike]) -> dict[str, int]:
    """Column of each tech: 0 for no prerequisites, else one more than the deepest one."""
    depth: dict[str, int] = {}

    def visit(tid: str, trail: tuple[str, ...]) -> int:
        if tid in depth:
            return depth[tid]
        if tid in trail:
            raise ValueError(f"prerequisite cycle through {tid}")
        reqs = [r for r in techs[tid].requires if r in techs]
        d = 0 if not reqs else 1 + max(visit(r, (*trail, tid)) for r in reqs)
        depth[tid] = d
        return d

    for tid in techs:
        visit(tid, ())
    return depth


def layout_tree(techs: Mapping[str, TechLike], branch_order: Sequence[str]) -> TreeLayout:
    """Place the techs: columns by depth, bands by branch, rows ordered by barycentre."""
    depth = tech_depths(techs)
    branches = list(branch_order) + sorted({t.branch for t in techs.values()} - set(branch_order))
    row_of: dict[str, float] = {}
    nodes: dict[str, tuple[int, int]] = {}
    bands: list[tuple[str, int, int]] = []
    top = MARGIN
    columns = max(depth.values(), default=0) + 1
    for branch in branches:
        members = [tid for tid, t in techs.items() if t.branch == branch]
        if not members:
            continue
        per_col: dict[int, list[str]] = {}
        for tid in members:
            per_col.setdefault(depth[tid], []).append(tid)
        rows = max(len(v) for v in per_col.values())
        for col in range(columns):
            ids = per_col.get(col, [])

            def bary(tid: str) -> tuple[float, str]:
                reqs = [row_of[r] for r in techs[tid].requires if r in row_of]
                return (sum(reqs) / len(reqs) if reqs else 0.0, techs[tid].name)

            ids.sort(key=bary)
            for n, tid in enumerate(ids):
                y = top + n * (NODE_H + ROW_GAP)
                x = LABEL_W + MARGIN + col * (NODE_W + COL_GAP)
                nodes[tid] = (x, y)
                row_of[tid] = float(y)
        height = rows * (NODE_H + ROW_GAP) - ROW_GAP
        bands.append((branch, top, height))
        top += height + BAND_GAP
    edges = [(r, tid) for tid, t in techs.items() for r in t.requires if r in techs]
    width = LABEL_W + MARGIN * 2 + columns * (NODE_W + COL_GAP) - COL_GAP
    return TreeLayout(nodes, bands, (width, top - BAND_GAP + MARGIN), edges)


class TechTreeView:
    """Draws a laid-out tree into a rectangle of the screen and lets the player move around it."""

    def __init__(
        self,
        techs: Mapping[str, TechLike],
        branch_names: Mapping[str, str],
        fonts: Fonts,
        on_select: Callable[[str], None] | None = None,
        unlocks: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.techs = techs
        self.branch_names = branch_names
        self.unlocks = unlocks or {}  # tech -> what learning it opens, in words
        self.layout = layout_tree(techs, list(branch_names))
        self.fonts = fonts
        self.on_select = on_select
        self.rect = pygame.Rect(0, 0, 100, 100)
        self.zoom = 1.0
        self.offset = [0.0, 0.0]  # world coordinates of the view's top-left corner
        self.status: dict[str, TechStatus] = {}
        self.selected: str | None = None
        self.hovered: str | None = None
        self._dragging = False
        self._drag_moved = 0.0
        self._world: pygame.Surface | None = None
        self._world_key: tuple[object, ...] | None = None

    # -- state ------------------------------------------------------------------------------
    def set_status(self, status: dict[str, TechStatus]) -> None:
        if status != self.status:
            self.status = status
            self._world = None

    def set_rect(self, rect: pygame.Rect) -> None:
        self.rect = pygame.Rect(rect)
        self._clamp()

    def fit(self) -> None:
        """Zoom so that the whole tree fits the width, at most at natural size and never so
        small that a node's lines cannot be read (the tree then scrolls)."""
        w, h = self.layout.size
        fitting = min(1.0, self.rect.width / w, self.rect.height / h * 1.6)
        self.zoom = max(READABLE_ZOOM / max(0.75, self.fonts.scale), fitting)
        self.zoom = min(1.0, self.zoom)
        self.offset = [0.0, 0.0]
        self._world = None

    def _scale(self) -> float:
        return self.zoom * self.fonts.scale

    def _clamp(self) -> None:
        s = self._scale()
        w, h = self.layout.size
        max_x = max(0.0, w - self.rect.width / s)
        max_y = max(0.0, h - self.rect.height / s)
        self.offset[0] = max(0.0, min(max_x, self.offset[0]))
        self.offset[1] = max(0.0, min(max_y, self.offset[1]))

    def zoom_at(self, factor: float, pos: tuple[int, int] | None = None) -> None:
        s = self._scale()
        px, py = pos if pos is not None else self.rect.center
        wx = self.offset[0] + (px - self.rect.x) / s
        wy = self.offset[1] + (py - self.rect.y) / s
        self.zoom = max(0.4, min(2.0, self.zoom * factor))
        s = self._scale()
        self.offset = [wx - (px - self.rect.x) / s, wy - (py - self.rect.y) / s]
        self._clamp()
        self._world = None

    def scroll(self, dx: float, dy: float) -> None:
        s = self._scale()
        self.offset[0] += dx / s
        self.offset[1] += dy / s
        self._clamp()

    def node_at(self, pos: tuple[int, int]) -> str | None:
        if not self.rect.collidepoint(pos):
            return None
        s = self._scale()
        wx = self.offset[0] + (pos[0] - self.rect.x) / s
        wy = self.offset[1] + (pos[1] - self.rect.y) / s
        for tid, (x, y) in self.layout.nodes.items():
            if x <= wx <= x + NODE_W and y <= wy <= y + NODE_H:
                return tid
        return None

    def node_screen_rect(self, tid: str) -> pygame.Rect:
        s = self._scale()
        x, y = self.layout.nodes[tid]
        return pygame.Rect(
            self.rect.x + (x - self.offset[0]) * s,
            self.rect.y + (y - self.offset[1]) * s,
            NODE_W * s,
            NODE_H * s,
        )

    # -- input ------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> bool:
        """React to wheel, drag, click and arrow keys; True when the event was used."""
        if event.type == pygame.MOUSEWHEEL:
            if self.rect.collidepoint(pygame.mouse.get_pos()):
                if pygame.key.get_mods() & pygame.KMOD_SHIFT:
                    self.scroll(-event.y * 60, 0)
                else:
                    self.zoom_at(1.12 if event.y > 0 else 1 / 1.12, pygame.mouse.get_pos())
                return True
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self.rect.collidepoint(event.pos):
                self._dragging = True
                self._drag_moved = 0.0
                return True
        elif event.type == pygame.MOUSEMOTION:
            self.hovered = self.node_at(event.pos)
            if self._dragging and event.buttons[0]:
                self.scroll(-event.rel[0], -event.rel[1])
                self._drag_moved += abs(event.rel[0]) + abs(event.rel[1])
                return True
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self._dragging:
            self._dragging = False
            if self._drag_moved < 6:
                tid = self.node_at(event.pos)
                if tid is not None:
                    self.select(tid)
            return True
        elif event.type == pygame.KEYDOWN:
            step = 80 * self.fonts.scale
            moves = {
                pygame.K_LEFT: (-step, 0),
                pygame.K_RIGHT: (step, 0),
                pygame.K_UP: (0, -step),
                pygame.K_DOWN: (0, step),
            }
            if event.key in moves:
                self.scroll(*moves[event.key])
                return True
            if event.key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
                self.zoom_at(1.15)
                return True
            if event.key in (pygame.K_MINUS, pygame.K_KP_MINUS):
                self.zoom_at(1 / 1.15)
                return True
        return False

    def select(self, tid: str) -> None:
        self.selected = tid
        self._world = None
        if self.on_select is not None:
            self.on_select(tid)

    # -- drawing ----------------------------------------------------------------------------
    def tooltip(self, tid: str) -> str:
        tech = self.techs[tid]
        st = self.status.get(tid, TechStatus())
        reqs = ", ".join(self.techs[r].name for r in tech.requires if r in self.techs) or "none"
        lines = [tech.name, f"Branch: {self.branch_names.get(tech.branch, tech.branch)}"]
        lines.append(f"Requires: {reqs}")
        opens = self.unlocks.get(tid)
        if opens:
            lines.append(f"Unlocks: {', '.join(opens)}")
        cost = getattr(tech, "cost", None)
        if st.known:
            lines.append("Known.")
        elif cost:
            lines.append(f"Research: {st.progress:.0%} of ${cost}M paid")
        if st.reliability:
            lines.append(
                f"Reliability {percent(st.reliability)} (refining can reach {percent(st.cap)})"
            )
        if st.planned:
            lines.append(f"Ordered this turn: ${st.planned}M")
        if not st.known and not st.available:
            lines.append("Locked until its prerequisites are known.")
        return "\n".join(lines)

    def _render_world(self) -> pygame.Surface:
        s = self._scale()
        key = (round(s, 3), self.selected, tuple(sorted(self.status.items())))
        if self._world is not None and self._world_key == key:
            return self._world
        w, h = self.layout.size
        world = pygame.Surface((max(1, int(w * s)), max(1, int(h * s))))
        world.fill(theme.PANEL)
        fonts = self.fonts
        label_size = max(9, round(14 * self.zoom))
        small_size = max(8, round(12 * self.zoom))

        def sc(v: float) -> int:
            return round(v * s)

        for branch, top, height in self.layout.bands:
            colour = theme.branch_colour(branch)
            band = pygame.Rect(sc(4), sc(top - 8), sc(w - 8), sc(height + 16))
            tint = tuple(int(c * 0.12 + p * 0.88) for c, p in zip(colour, theme.PANEL, strict=True))
            pygame.draw.rect(world, tint, band, border_radius=sc(6))
            pygame.draw.rect(world, colour, (band.x, band.y, sc(4), band.height))
            name = self.branch_names.get(branch, branch)
            y = band.y + sc(6)
            for word_line in wrap_text(name, fonts.get(label_size, bold=True), sc(LABEL_W - 16)):
                img = fonts.get(label_size, bold=True).render(word_line, True, colour)
                world.blit(img, (band.x + sc(12), y))
                y += img.get_height()

        for req, tid in self.layout.edges:
            rx, ry = self.layout.nodes[req]
            tx, ty = self.layout.nodes[tid]
            start = (sc(rx + NODE_W), sc(ry + NODE_H / 2))
            end = (sc(tx), sc(ty + NODE_H / 2))
            known = self.status.get(req, TechStatus()).known
            colour = (150, 160, 185) if known else (70, 80, 110)
            mid_x = (start[0] + end[0]) // 2
            points = [start, (mid_x, start[1]), (mid_x, end[1]), end]
            pygame.draw.lines(world, colour, False, points, max(1, sc(2)))
            pygame.draw.polygon(
                world,
                colour,
                [end, (end[0] - sc(7), end[1] - sc(5)), (end[0] - sc(7), end[1] + sc(5))],
            )

        for tid, (x, y) in self.layout.nodes.items():
            tech = self.techs[tid]
            st = self.status.get(tid, TechStatus())
            colour = theme.branch_colour(tech.branch)
            rect = pygame.Rect(sc(x), sc(y), sc(NODE_W), sc(NODE_H))
            if st.known:
                fill = tuple(int(c * 0.35 + 18) for c in colour)
                edge = colour
            elif st.available:
                fill = (30, 40, 66)
                edge = theme.ACCENT if st.planned else (120, 130, 160)
            else:
                fill = (22, 26, 40)
                edge = (60, 66, 88)
            pygame.draw.rect(world, fill, rect, border_radius=sc(6))
            width = sc(3) if tid == self.selected else max(1, sc(1.5))
            pygame.draw.rect(
                world, theme.ACCENT if tid == self.selected else edge, rect, width, sc(6)
            )
            text_colour = theme.TEXT if (st.known or st.available) else theme.MUTED
            # One line of name: a smaller size if it must, else cut (the tooltip has it all).
            room = rect.width - sc(14)
            size = label_size
            name_font = fonts.get(size, bold=st.known)
            while name_font.size(tech.name)[0] > room and size > label_size - 3:
                size -= 1
                name_font = fonts.get(size, bold=st.known)
            text = tech.name
            while name_font.size(text)[0] > room and len(text) > 4:
                text = text[:-2].rstrip() + "…"
            name_img = name_font.render(text, True, text_colour)
            world.blit(name_img, (rect.x + sc(7), rect.y + sc(4)))
            small = fonts.get(small_size)
            opens = self.unlocks.get(tid)
            line_y = rect.y + sc(4) + name_img.get_height()
            if opens and line_y + small.get_height() <= rect.bottom - sc(7) - small.get_height():
                # What it opens, on the middle line, cut to the node (the tooltip has it all).
                what = "opens " + ", ".join(opens)
                while small.size(what)[0] > room and len(what) > 8:
                    what = what[:-2].rstrip(", ") + "…"
                world.blit(small.render(what, True, (150, 170, 205)), (rect.x + sc(7), line_y))
            if st.known:
                info = (
                    f"rel {percent(st.reliability)} / {percent(st.cap)}"
                    if st.reliability
                    else "known"
                )
                info_colour = theme.GOOD
            elif st.available:
                info, info_colour = f"{st.progress:.0%} researched", theme.TEXT
            else:
                info, info_colour = "locked", theme.MUTED
            if st.planned:
                info += f"  +${st.planned}M"
                info_colour = theme.ACCENT
            img = small.render(info, True, info_colour)
            if rect.bottom - sc(7) - img.get_height() >= rect.y + sc(4) + name_img.get_height():
                world.blit(img, (rect.x + sc(7), rect.bottom - sc(7) - img.get_height()))
            bar = pygame.Rect(rect.x + sc(6), rect.bottom - sc(6), rect.width - sc(12), sc(3))
            pygame.draw.rect(world, (45, 52, 78), bar)
            share = 1.0 if st.known and not st.reliability else st.progress
            if st.known and st.reliability and st.cap:
                share = st.reliability / st.cap
            if share > 0:
                filled = bar.copy()
                filled.width = max(1, int(bar.width * min(1.0, share)))
                pygame.draw.rect(world, theme.GOOD if st.known else theme.ACCENT, filled)
        self._world = world
        self._world_key = key
        return world

    def draw(self, surface: pygame.Surface) -> None:
        world = self._render_world()
        s = self._scale()
        area = pygame.Rect(int(self.offset[0] * s), int(self.offset[1] * s), *self.rect.size)
        surface.fill(theme.PANEL, self.rect)
        surface.blit(world, self.rect.topleft, area)
        if self.hovered is not None and self.hovered in self.layout.nodes:
            r = self.node_screen_rect(self.hovered).clip(self.rect)
            if r.width > 0:
                pygame.draw.rect(surface, (255, 255, 255), r, 1, 6)
        pygame.draw.rect(surface, theme.PANEL_EDGE, self.rect, 1)


def wrap_text(text: str, font: pygame.font.Font, width: int) -> list[str]:
    """Split text into lines no wider than `width` pixels, breaking at spaces."""
    words = text.split()
    lines: list[str] = []
    line = ""
    for word in words:
        trial = f"{line} {word}".strip()
        if line and font.size(trial)[0] > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines

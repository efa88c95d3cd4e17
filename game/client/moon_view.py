"""The Moon panel of the game screen: the globe, what happened where, and a south-pole inset.

`MoonView` draws the globe into a rectangle with markers at real latitudes and longitudes:
the named sites, landings, rovers, crashes, surface stations with their owners' colours,
missions in flight, and stations in lunar orbit on an orbit ring. Drag or the arrow keys
rotate it, the wheel zooms, and Home / F / P jump to the near side, the far side and the
south-pole view, zoomed in until the craters where the race is run stand apart. The inset in
the corner always looks straight down at the south pole. Labels are laid out so that none
covers another (game.client.labels); every site at the pole is named, and the maria and the
polar craters carry faint names where there is room. Hovering a marker explains it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pygame

from game.client import theme
from game.client.globe import Camera, MoonGlobe, starfield
from game.client.labels import LabelRequest, inside_circle, place_labels
from game.client.moon_map import load_moon_map
from game.client.theme import Fonts

# Kinds of markers, in drawing order (later ones on top).
SITE, LANDING, ROVER, CRASH, STATION, FLIGHT = (
    "site",
    "landing",
    "rover",
    "crash",
    "station",
    "flight",
)
# The south-pole view looks from below at a point a little toward the near side, where the
# polar sites lie, close enough that they stand apart: (lat, lon, zoom).
POLE_VIEW = (-87.9, 12.0, 12.5)
INSET_ZOOM = 11.0
VIEWS = {"near": (8.0, 0.0, 1.0), "far": (8.0, 180.0, 1.0), "pole": POLE_VIEW}
FEATURE_LABEL = (150, 158, 176)  # the maria's and craters' names: quieter than the sites'


@dataclass
class Marker:
    """Something drawn on the Moon."""

    kind: str
    lat: float
    lon: float
    colours: tuple[tuple[int, int, int], ...]
    label: str = ""
    tip: str = ""
    site: str = ""  # the site id, for selection


class MoonView:
    """The globe with markers, inside `rect`; hands hovered and clicked sites to the scene."""

    def __init__(self, fonts: Fonts, on_pick: Callable[[str], None] | None = None) -> None:
        self.fonts = fonts
        self.rect = pygame.Rect(0, 0, 400, 400)
        self.globe = MoonGlobe((400, 400), Camera(lat=-30.0, lon=10.0, zoom=1.0))
        # Seen from below, close enough that the craters around the pole stand apart.
        self.inset = MoonGlobe(
            (160, 160),
            Camera(lat=POLE_VIEW[0], lon=POLE_VIEW[1], zoom=INSET_ZOOM),
            smooth=True,
        )
        self.markers: list[Marker] = []
        self.orbit: list[Marker] = []  # stations and craft in lunar orbit
        self.on_pick = on_pick
        self.selected_site: str | None = None
        self._drag = False
        self._drag_moved = 0.0
        self._interacting = 1.0  # seconds since the last rotation: draft quality meanwhile
        self._sky: pygame.Surface | None = None
        self._inset_disc: tuple[pygame.Surface, pygame.Surface] | None = None
        self._composed: tuple[pygame.Surface, pygame.Surface] | None = None
        self._given: list[Marker] | None = None
        self._placed_cache: dict[tuple[object, ...], list[tuple[Marker, tuple[float, float]]]] = {}
        self._labels: dict[tuple[str, int, tuple[int, int, int]], pygame.Surface] = {}
        self.clock = 0.0
        self.keep_clear: list[pygame.Rect] = []  # screen areas covered by widgets: no labels
        # The labels drawn last frame on the "globe" and in the "inset": (text, rect).
        self.drawn_labels: dict[str, list[tuple[str, pygame.Rect]]] = {}
        self._layouts: dict[str, tuple[object, list[Any]]] = {}

    # -- layout -----------------------------------------------------------------------------
    def set_rect(self, rect: pygame.Rect) -> None:
        self.rect = pygame.Rect(rect)
        self.globe.resize(self.rect.size)
        side = max(110, int(min(self.rect.width, self.rect.height) * 0.34))
        self.inset.resize((side, side))
        self._sky = None

    @property
    def inset_rect(self) -> pygame.Rect:
        side = self.inset.size[0]
        pad = round(10 * self.fonts.scale)
        return pygame.Rect(self.rect.right - side - pad, self.rect.bottom - side - pad, side, side)

    def look_at(self, name: str) -> None:
        cam = self.globe.camera
        cam.lat, cam.lon, cam.zoom = VIEWS[name]

    @property
    def at_pole(self) -> bool:
        """The main view is the south-pole close-up (the inset would repeat it)."""
        cam = self.globe.camera
        return cam.lat <= -80.0 and cam.zoom >= 4.0

    def set_markers(self, markers: list[Marker], orbit: list[Marker]) -> None:
        if markers is self._given:
            return  # the same list as last frame: keep the cached positions
        self._given = markers
        order = {k: n for n, k in enumerate((SITE, LANDING, ROVER, CRASH, STATION, FLIGHT))}
        self.markers = sorted(markers, key=lambda m: order.get(m.kind, 0))
        self.orbit = orbit
        self._placed_cache.clear()

    # -- input ------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> bool:
        cam = self.globe.camera
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            if self.rect.collidepoint(event.pos):
                self._drag = True
                self._drag_moved = 0.0
                return True
        elif event.type == pygame.MOUSEMOTION and self._drag and event.buttons[0]:
            degrees_per_px = 90.0 / max(1.0, self.globe.radius)
            cam.rotate(-event.rel[0] * degrees_per_px, event.rel[1] * degrees_per_px)
            self._drag_moved += abs(event.rel[0]) + abs(event.rel[1])
            self._interacting = 0.0
            return True
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self._drag:
            self._drag = False
            if self._drag_moved < 5:
                self.click(event.pos)
            return True
        elif event.type == pygame.MOUSEWHEEL:
            if self.rect.collidepoint(pygame.mouse.get_pos()):
                cam.zoom_by(1.1 if event.y > 0 else 1 / 1.1)
                self._interacting = 0.0
                return True
        elif event.type == pygame.KEYDOWN:
            step = 15.0 / cam.zoom
            keys = {
                pygame.K_LEFT: (-step, 0.0),
                pygame.K_RIGHT: (step, 0.0),
                pygame.K_UP: (0.0, step),
                pygame.K_DOWN: (0.0, -step),
            }
            if event.key in keys:
                cam.rotate(*keys[event.key])
                return True
            named = {pygame.K_HOME: "near", pygame.K_f: "far", pygame.K_p: "pole"}
            if event.key in named:
                self.look_at(named[event.key])
                return True
            if event.key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
                cam.zoom_by(1.2)
                return True
            if event.key in (pygame.K_MINUS, pygame.K_KP_MINUS):
                cam.zoom_by(1 / 1.2)
                return True
        return False

    @property
    def moving(self) -> bool:
        """Dragged, or turned a moment ago (the full-quality picture follows the draft)."""
        return self._drag or self._interacting < 0.25

    @property
    def animated(self) -> bool:
        """Something on the globe moves by itself: a flight on its way."""
        return any(m.kind == FLIGHT for m in self.markers)

    def click(self, pos: tuple[int, int]) -> None:
        marker = self.marker_at(pos)
        if marker is not None and marker.site:
            self.selected_site = marker.site
            if self.on_pick is not None:
                self.on_pick(marker.site)
        elif not self.at_pole and self.inset_rect.collidepoint(pos):
            self.look_at("pole")

    def marker_at(self, pos: tuple[int, int]) -> Marker | None:
        reach = 9 * self.fonts.scale
        best, best_d = None, reach * reach
        for marker, (x, y) in self._placed(self.globe, self.rect.topleft):
            d = (x - pos[0]) ** 2 + (y - pos[1]) ** 2
            if d <= best_d:
                best, best_d = marker, d
        inset = self.inset_rect
        if best is None and not self.at_pole and inset.collidepoint(pos):
            for marker, (x, y) in self._placed(self.inset, inset.topleft, pole_only=True):
                d = (x - pos[0]) ** 2 + (y - pos[1]) ** 2
                if d <= best_d:
                    best, best_d = marker, d
        return best

    def update(self, dt: float) -> None:
        self._interacting += dt
        self.clock += dt

    # -- drawing ----------------------------------------------------------------------------
    def _placed(
        self, globe: MoonGlobe, origin: tuple[int, int], *, pole_only: bool = False
    ) -> list[tuple[Marker, tuple[float, float]]]:
        """Visible markers with their screen positions, cached while nothing moves."""
        key = (id(globe), globe.camera.key(), globe.size, origin, pole_only, id(self.markers))
        cached = self._placed_cache.get(key)
        if cached is not None:
            return cached
        out = []
        for marker in self.markers:
            if pole_only and marker.lat > -70:
                continue
            x, y, visible = globe.project(marker.lat, marker.lon)
            if visible:
                out.append((marker, (origin[0] + x, origin[1] + y)))
        if len(self._placed_cache) > 8:
            self._placed_cache.clear()
        self._placed_cache[key] = out
        return out

    def _label(self, text: str, size: int, colour: tuple[int, int, int]) -> pygame.Surface:
        key = (text, size, colour)
        img = self._labels.get(key)
        if img is None:
            if len(self._labels) > 400:
                self._labels.clear()
            font = self.fonts.get(size)
            body = font.render(text, True, colour)
            img = pygame.Surface((body.get_width() + 2, body.get_height() + 2), pygame.SRCALPHA)
            img.blit(font.render(text, True, (0, 0, 0)), (1, 1))
            img.blit(body, (0, 0))
            self._labels[key] = img
        return img

    def _backdrop(self, draft: bool) -> pygame.Surface:
        """Sky and globe composed once into one opaque surface, redone only when the globe's
        render changes: a frame then costs one plain blit for the whole Moon panel."""
        globe = self.globe.render(draft=draft)
        if self._composed is not None and self._composed[0] is globe:
            return self._composed[1]
        if self._sky is None or self._sky.get_size() != self.rect.size:
            self._sky = starfield(self.rect.size, seed=11)
        image = self._sky.copy()
        image.blit(globe, (0, 0))
        # An antialiased rim hides the stair-steps of the per-pixel disc.
        pygame.draw.aacircle(image, (30, 32, 40), self.globe.centre, self.globe.radius, 2)
        if pygame.display.get_surface() is not None:
            image = image.convert()
        self._composed = (globe, image)
        return image

    def draw(self, surface: pygame.Surface, add_tip: Callable[[pygame.Rect, str], None]) -> None:
        draft = self._interacting < 0.12
        surface.blit(self._backdrop(draft), self.rect.topleft)
        clip = surface.get_clip()
        surface.set_clip(self.rect)
        self._draw_orbit(surface, add_tip)
        self._draw_markers(surface, self.globe, self.rect.topleft, add_tip, labels=True)
        if not self.at_pole:
            self._draw_inset(surface, add_tip)
        self._draw_hud(surface)
        surface.set_clip(clip)

    def _draw_orbit(self, surface: pygame.Surface, add_tip: Callable[[pygame.Rect, str], None]):
        """Stations in lunar orbit, on a tilted ring: its far half faint behind the Moon."""
        if not self.orbit:
            return
        cx = self.rect.x + self.globe.centre[0]
        cy = self.rect.y + self.globe.centre[1]
        r = self.globe.radius
        width = min(r * 2.6, self.rect.width - 40 * self.fonts.scale)
        ring = pygame.Rect(0, 0, width, r * 0.55)
        ring.center = (int(cx), int(cy))
        pygame.draw.arc(surface, (50, 62, 98), ring, 0, math.pi, 1)
        pygame.draw.arc(surface, (110, 140, 210), ring, math.pi, 2 * math.pi, 2)
        # Front half of the ring, spread out, labels toward the outside.
        slots = (250, 290, 215, 325, 195, 345)
        for n, marker in enumerate(self.orbit):
            angle = math.radians(slots[n % len(slots)])
            x = cx + math.cos(angle) * ring.width / 2
            y = cy - math.sin(angle) * ring.height / 2
            self._station_icon(surface, (x, y), marker.colours, size=9)
            img = self._label(marker.label, 13, marker.colours[0] if marker.colours else theme.TEXT)
            gap = 18 * self.fonts.scale
            spot = (
                img.get_rect(midleft=(x + gap, y - gap))
                if math.cos(angle) >= 0
                else img.get_rect(midright=(x - gap, y - gap))
            )
            surface.blit(img, spot)
            add_tip(pygame.Rect(x - 14, y - 10, 28, 20).union(spot), marker.tip or marker.label)

    def _station_icon(
        self,
        surface: pygame.Surface,
        pos: tuple[float, float],
        colours: tuple[tuple[int, int, int], ...],
        size: float,
    ) -> None:
        s = size * self.fonts.scale
        x, y = pos
        body = pygame.Rect(0, 0, s * 1.2, s * 1.2)
        body.center = (int(x), int(y))
        pygame.draw.rect(surface, (20, 24, 36), body.inflate(4, 4))
        n = max(1, len(colours))
        for i, colour in enumerate(colours or (theme.TEXT,)):
            part = pygame.Rect(
                body.x + body.width * i // n, body.y, body.width // n + 1, body.height
            )
            pygame.draw.rect(surface, colour, part)
        pygame.draw.line(surface, (200, 210, 230), (x - s * 1.6, y), (x + s * 1.6, y), 2)
        for dx in (-s * 1.6, s * 1.6):
            panel = pygame.Rect(0, 0, s * 0.5, s * 1.4)
            panel.center = (int(x + dx), int(y))
            pygame.draw.rect(surface, (90, 130, 210), panel)

    def _draw_markers(
        self,
        surface: pygame.Surface,
        globe: MoonGlobe,
        origin: tuple[int, int],
        add_tip: Callable[[pygame.Rect, str], None],
        *,
        labels: bool,
        pole_only: bool = False,
        within: tuple[tuple[int, int], float] | None = None,
    ) -> None:
        k = self.fonts.scale * (0.75 if pole_only else 1.0)
        named: list[tuple[Marker, tuple[float, float]]] = []
        for marker, (x, y) in self._placed(globe, origin, pole_only=pole_only):
            if within is not None:
                (cx, cy), r = within
                if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
                    continue
            colour = marker.colours[0] if marker.colours else theme.TEXT
            if marker.kind == SITE:
                selected = marker.site == self.selected_site
                pygame.draw.circle(surface, (10, 12, 20), (x, y), 5 * k)
                pygame.draw.circle(
                    surface,
                    theme.ACCENT if selected else (235, 235, 245),
                    (x, y),
                    3.5 * k,
                    0 if selected else max(1, round(1.5 * k)),
                )
            elif marker.kind == LANDING:
                pole = ((x, y), (x, y - 16 * k))
                pygame.draw.line(surface, (230, 230, 230), *pole, max(1, round(1.5 * k)))
                flag = [(x, y - 16 * k), (x + 10 * k, y - 13 * k), (x, y - 10 * k)]
                pygame.draw.polygon(surface, colour, flag)
            elif marker.kind == ROVER:
                box = pygame.Rect(0, 0, 9 * k, 6 * k)
                box.center = (int(x + 7 * k), int(y + 3 * k))
                pygame.draw.rect(surface, colour, box)
                pygame.draw.rect(surface, (10, 12, 20), box, 1)
            elif marker.kind == CRASH:
                d = 5 * k
                for sign in (-1, 1):
                    pygame.draw.line(
                        surface,
                        theme.BAD,
                        (x - d, y - d * sign),
                        (x + d, y + d * sign),
                        max(2, round(2 * k)),
                    )
            elif marker.kind == STATION:
                self._station_icon(
                    surface,
                    (x, y - 4 * k),
                    marker.colours,
                    size=5.0 if pole_only else 7.0,
                )
            elif marker.kind == FLIGHT:
                phase = (self.clock * 0.6) % 1.0
                sx, sy = x + (1 - phase) * 60 * k, y - (1 - phase) * 90 * k
                pygame.draw.line(surface, colour, (x + 60 * k, y - 90 * k), (x, y), 1)
                pygame.draw.circle(surface, colour, (sx, sy), 4 * k)
                pygame.draw.circle(surface, colour, (x, y), 8 * k, 1)
            area = pygame.Rect(x - 9 * k, y - 18 * k, 18 * k, 26 * k)
            add_tip(area, marker.tip or marker.label)
            in_view = within is not None or self.rect.collidepoint(x, y)
            if labels and marker.label and marker.kind in (SITE, STATION) and in_view:
                named.append((marker, (x, y)))
        if labels:
            self._draw_labels(surface, globe, origin, named, k, pole_only=pole_only, within=within)

    def _draw_labels(
        self,
        surface: pygame.Surface,
        globe: MoonGlobe,
        origin: tuple[int, int],
        named: list[tuple[Marker, tuple[float, float]]],
        k: float,
        *,
        pole_only: bool,
        within: tuple[tuple[int, int], float] | None,
    ) -> None:
        """Names of the sites and stations, then, where room is left, of the maria and
        craters, laid out so that none covers another or a marker (the layout is kept while
        nothing moves)."""
        where = "inset" if within is not None else "globe"
        key = (
            globe.camera.key(),
            globe.size,
            origin,
            id(self.markers),
            self.selected_site,
            tuple(map(tuple, self.keep_clear)),
            self.fonts.scale,
        )
        layout = self._layouts.get(where)
        if layout is None or layout[0] != key:
            layout = (key, self._lay_out_labels(globe, origin, named, k, pole_only, within))
            self._layouts[where] = layout
        drawn = []
        for text, img, request, spot in layout[1]:
            if spot is None:
                continue
            drawn.append((text, spot))
            if not request.centred:
                x, y = request.anchor
                near_x = min(max(x, spot.left), spot.right)
                near_y = min(max(y, spot.top), spot.bottom)
                if (near_x - x) ** 2 + (near_y - y) ** 2 > (14 * k) ** 2:
                    pygame.draw.aaline(surface, (150, 160, 185), (x, y), (near_x, near_y))
            surface.blit(img, spot)
        self.drawn_labels[where] = drawn

    def _lay_out_labels(
        self,
        globe: MoonGlobe,
        origin: tuple[int, int],
        named: list[tuple[Marker, tuple[float, float]]],
        k: float,
        pole_only: bool,
        within: tuple[tuple[int, int], float] | None,
    ) -> list[tuple[str, pygame.Surface, LabelRequest, pygame.Rect | None]]:
        close_up = pole_only or self.at_pole
        # Sites first (the selected one before all), then stations; all of them must show
        # in a close-up of the pole, where the race is; on the whole globe, crowded polar
        # names give way and the south-pole view names them.
        order = sorted(
            named,
            key=lambda mx: (mx[0].site != self.selected_site, mx[0].kind != SITE),
        )
        texts: list[str] = []
        images: list[pygame.Surface] = []
        requests: list[LabelRequest] = []
        for marker, (x, y) in order:
            if marker.kind == SITE:
                text = short_site_name(marker.label) if pole_only else marker.label
                img = self._label(
                    text, 10 if pole_only else 12, theme.TEXT if close_up else theme.MUTED
                )
            else:
                text = marker.label
                colour = marker.colours[0] if marker.colours else theme.TEXT
                img = self._label(text, 11 if pole_only else 13, colour)
            texts.append(text)
            images.append(img)
            requests.append(LabelRequest((x, y), img.get_size(), optional=not close_up))
        features = [] if pole_only else self._feature_names(globe, origin, close_up=close_up)
        for name, (x, y) in features:
            img = self._label(name, 11, FEATURE_LABEL)
            texts.append(name)
            images.append(img)
            # A feature's name sits on the feature: its anchor is the label's centre.
            requests.append(LabelRequest((x, y), img.get_size(), optional=True, centred=True))
        if within is not None:
            inside = inside_circle(*within)
            clear: list[pygame.Rect] = []
        else:
            inside = self.rect.contains
            clear = [*self.keep_clear, self._hud_rect()]
            if not self.at_pole:
                clear.append(self.inset_rect.inflate(12, 40))
        spots = place_labels(requests, inside, gap=8 * k, dot=5 * k, keep_clear=clear)
        return list(zip(texts, images, requests, spots, strict=True))

    def _feature_names(
        self, globe: MoonGlobe, origin: tuple[int, int], *, close_up: bool
    ) -> list[tuple[str, tuple[float, float]]]:
        """The maria (on the whole globe) or the polar craters (close up) facing the viewer,
        with their screen positions; craters that share a site's name are left to the site."""
        moon = load_moon_map()
        out = []
        if close_up:
            sites = {short_site_name(m.label).lower() for m in self.markers if m.kind == SITE}
            for crater in moon.craters:
                if crater.lat > -78.0 or crater.name.lower() in sites:
                    continue
                x, y, visible = globe.project(crater.lat, crater.lon)
                if visible:
                    out.append((crater.name, (origin[0] + x, origin[1] + y)))
            return out
        sites = {m.label for m in self.markers if m.kind == SITE}
        for mare in moon.maria:
            if mare.name in sites:
                continue  # the site of that name says it
            if mare.radius + sum(d.radius for d in mare.lobes) < 3.5:
                continue  # the small bays would crowd the big plains' names
            x, y, visible = globe.project(mare.lat, mare.lon)
            if visible and globe.facing(mare.lat, mare.lon) > 0.35:
                out.append((mare.name, (origin[0] + x, origin[1] + y)))
        return out

    def _hud_rect(self) -> pygame.Rect:
        pad = round(8 * self.fonts.scale)
        return pygame.Rect(self.rect.x, self.rect.y, round(470 * self.fonts.scale), pad + 34)

    def _inset_image(self) -> pygame.Surface:
        """The polar close-up cut to a disc (cached with the render it comes from)."""
        image = self.inset.render()
        if self._inset_disc is None or self._inset_disc[0] is not image:
            disc = pygame.Surface(image.get_size(), pygame.SRCALPHA)
            side = image.get_width()
            pygame.draw.circle(disc, (255, 255, 255, 255), (side / 2, side / 2), side / 2)
            disc.blit(image, (0, 0), special_flags=pygame.BLEND_RGBA_MIN)
            if pygame.display.get_surface() is not None:
                disc = disc.convert_alpha()
            self._inset_disc = (image, disc)
        return self._inset_disc[1]

    def _draw_inset(self, surface: pygame.Surface, add_tip: Callable[[pygame.Rect, str], None]):
        rect = self.inset_rect
        radius = rect.width // 2
        pygame.draw.circle(surface, (6, 9, 20), rect.center, radius + 6)
        surface.blit(self._inset_image(), rect.topleft)
        clip = surface.get_clip()
        surface.set_clip(rect.clip(clip))
        self._draw_markers(
            surface,
            self.inset,
            rect.topleft,
            add_tip,
            labels=True,
            pole_only=True,
            within=(rect.center, radius - 4),
        )
        surface.set_clip(clip)
        pygame.draw.circle(surface, theme.PANEL_EDGE, rect.center, radius + 5, 2)
        img = self._label("South pole, close up", 12, theme.ACCENT)
        surface.blit(img, img.get_rect(midbottom=(rect.centerx, rect.y - 8)))
        add_tip(
            rect,
            "The south pole seen from straight below, close up: the ice craters "
            "and sunlit ridges the race is about (P turns the globe there).",
        )

    def _draw_hud(self, surface: pygame.Surface) -> None:
        cam = self.globe.camera
        if cam.lat <= -60:
            where = "South pole"
        elif abs(cam.lon) > 100:
            where = "Far side"
        elif abs(cam.lon) < 60:
            where = "Near side"
        else:
            where = "Limb"
        text = (
            f"{where}  {abs(cam.lat):.0f}{'S' if cam.lat < 0 else 'N'} "
            f"{abs(cam.lon):.0f}{'W' if cam.lon < 0 else 'E'}  x{cam.zoom:.1f}"
        )
        img = self._label(text, 12, theme.MUTED)
        pad = round(8 * self.fonts.scale)
        surface.blit(img, (self.rect.x + pad, self.rect.y + pad))
        hint = self._label(
            "drag / arrows rotate - wheel zooms - Home near - F far - P pole", 11, (100, 110, 135)
        )
        surface.blit(hint, (self.rect.x + pad, self.rect.y + pad + img.get_height()))


def short_site_name(name: str) -> str:
    """A site's name without its kind, for tight spaces: "de Gerlache crater" -> "de Gerlache"."""
    words = name.split()
    if len(words) > 1 and words[-1].lower() in ("crater", "basin"):
        words = words[:-1]
    return " ".join(words)

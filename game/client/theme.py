"""Look and feel: the palette, agency colours, fonts, and the pygame_gui theme scaled to the window.

The widget theme lives in `assets/theme/theme.json` with sizes for a 1280x800 window; the
client multiplies its font sizes and corner radii by the window's UI scale, so the same layout
reads well from 1024x640 up to 4K. Text drawn by the client itself (the globe, the tech tree,
charts) uses `Fonts`, which caches pygame fonts by pixel size.
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pygame


def _theme_file() -> Path:
    """The theme in the checkout's assets/, or in the installed game.assets package."""
    here = Path(__file__).resolve().parents[2] / "assets" / "theme" / "theme.json"
    if here.is_file():
        return here
    return Path(str(resources.files("game.assets") / "theme" / "theme.json"))


THEME_FILE = _theme_file()

# The layout is designed for 1280x800; the scale moves in quarter steps so that small drags of
# the window edge do not rebuild every widget.
BASE_SIZE = (1280, 800)
MIN_SIZE = (1024, 640)
SCALE_STEP = 0.25

BACKGROUND = (9, 13, 26)
PANEL = (17, 24, 41)
PANEL_EDGE = (43, 54, 90)
TEXT = (223, 230, 240)
MUTED = (138, 150, 173)
ACCENT = (240, 192, 96)
GOOD = (94, 214, 140)
BAD = (240, 96, 96)
WARN = (240, 170, 70)
SPECTATOR = (200, 200, 210)

AGENCY_COLOURS: dict[str, tuple[int, int, int]] = {
    "nasa": (72, 140, 255),
    "roscosmos": (232, 72, 72),
    "cnsa": (250, 190, 40),
    "esa": (40, 210, 230),
    "jaxa": (244, 114, 182),
    "csa": (167, 139, 250),
    "isro": (255, 140, 60),
    "uae": (80, 200, 120),
    "commercial": (190, 190, 190),
}

# The colour-blind-safe palette (after Okabe and Ito's eight colours, lightened where the
# dark background needs it): told apart with any common kind of colour vision.
COLOUR_BLIND_AGENCY_COLOURS: dict[str, tuple[int, int, int]] = {
    "nasa": (86, 180, 233),
    "roscosmos": (213, 94, 0),
    "cnsa": (240, 228, 66),
    "esa": (0, 158, 115),
    "jaxa": (204, 121, 167),
    "csa": (230, 159, 0),
    "isro": (40, 130, 200),
    "uae": (235, 235, 235),
    "commercial": (150, 150, 150),
}
_colour_blind = False


def use_colour_blind_palette(on: bool) -> None:
    """Draw agencies in the colour-blind-safe palette (the settings switch it)."""
    global _colour_blind
    _colour_blind = on


BRANCH_COLOURS: dict[str, tuple[int, int, int]] = {
    "launchers": (232, 120, 72),
    "crew": (72, 140, 255),
    "robotic": (94, 214, 140),
    "stations": (167, 139, 250),
    "isru": (250, 190, 40),
    "resources": (250, 190, 40),
    "power": (40, 210, 230),
    "comms": (40, 210, 230),
}


def agency_colour(agency: str | None) -> tuple[int, int, int]:
    """The colour an agency is drawn in everywhere (markers, charts, names)."""
    if agency is None:
        return SPECTATOR
    if _colour_blind and agency in COLOUR_BLIND_AGENCY_COLOURS:
        return COLOUR_BLIND_AGENCY_COLOURS[agency]
    if agency in AGENCY_COLOURS:
        return AGENCY_COLOURS[agency]
    # An agency a mod adds still gets a stable colour of its own.
    h = sum(ord(c) * (i + 7) for i, c in enumerate(agency)) % 360
    colour = pygame.Color(0)
    colour.hsva = (h, 55, 95, 100)
    return (colour.r, colour.g, colour.b)


def branch_colour(branch: str) -> tuple[int, int, int]:
    """The colour of a technology branch in the tech tree."""
    for key, colour in BRANCH_COLOURS.items():
        if key in branch:
            return colour
    h = sum(ord(c) * 31 for c in branch) % 360
    c = pygame.Color(0)
    c.hsva = (h, 45, 90, 100)
    return (c.r, c.g, c.b)


def ui_scale(size: tuple[int, int]) -> float:
    """The UI scale for a window size, in quarter steps between 0.75 and 3."""
    raw = min(size[0] / BASE_SIZE[0], size[1] / BASE_SIZE[1])
    stepped = int(raw / SCALE_STEP) * SCALE_STEP
    return max(0.75, min(3.0, stepped))


_SCALED_MISC = ("shape_corner_radius", "text_horiz_alignment_padding", "list_item_height")


def load_theme(scale: float, path: Path = THEME_FILE) -> dict[str, Any]:
    """The pygame_gui theme as a dict, with sizes multiplied by `scale`."""
    with open(path, encoding="utf-8") as fh:
        theme: dict[str, Any] = json.load(fh)
    scaled = copy.deepcopy(theme)
    for block in scaled.values():
        font = block.get("font")
        if isinstance(font, dict) and "size" in font:
            font["size"] = str(max(8, round(int(font["size"]) * scale)))
        misc = block.get("misc")
        if isinstance(misc, dict):
            for key in _SCALED_MISC:
                if key in misc:
                    misc[key] = str(max(1, round(int(misc[key]) * scale)))
            if "rect_width" in misc:
                misc["rect_width"] = str(round(int(misc["rect_width"]) * scale))
    return scaled


def theme_fonts(theme: dict[str, Any]) -> list[dict[str, Any]]:
    """Every size the theme uses in each style text boxes may ask for (regular, bold, italic),
    in the form `UIManager.preload_fonts` takes."""
    sizes = set()
    for block in theme.values():
        font = block.get("font")
        if isinstance(font, dict):
            sizes.add((font.get("name", "noto_sans"), int(font.get("size", 14))))
    return [
        {"name": name, "point_size": size, "style": style}
        for name, size in sorted(sizes)
        for style in ("regular", "bold", "italic")
    ]


def _font_file(bold: bool) -> str | None:
    """Noto Sans as shipped inside pygame_gui, so custom text matches the widgets."""
    name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
    try:
        path = resources.files("pygame_gui.data") / name
    except ModuleNotFoundError:
        return None
    return str(path) if path.is_file() else None


class Fonts:
    """pygame fonts by pixel size, scaled by the current UI scale and cached."""

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale
        self._cache: dict[tuple[int, bool], pygame.font.Font] = {}
        self._images: dict[tuple[str, int, tuple[int, int, int], bool], pygame.Surface] = {}

    def get(self, size: int, *, bold: bool = False) -> pygame.font.Font:
        px = max(8, round(size * self.scale))
        key = (px, bold)
        font = self._cache.get(key)
        if font is None:
            path = _font_file(bold)
            font = pygame.font.Font(path, px)
            if path is None and bold:
                font.set_bold(True)
            self._cache[key] = font
        return font

    def render(
        self, text: str, size: int, colour: tuple[int, int, int], *, bold: bool = False
    ) -> pygame.Surface:
        """Rendered text, cached: the same numbers are drawn every frame."""
        key = (text, size, colour, bold)
        image = self._images.get(key)
        if image is None:
            if len(self._images) > 600:
                self._images.clear()
            image = self._images[key] = self.get(size, bold=bold).render(text, True, colour)
        return image

"""The Moon as a shaded globe drawn by code: an orthographic projection that rotates and zooms.

The surface is an albedo map made once from data and a seed - the maria and the named craters
at their published positions and sizes (`assets/moon/surface.toml`, read by
game.client.moon_map), a seeded scatter of small craters, and a finer map of the south polar
cap for close-ups - so no imagery is downloaded. Zoomed in, the maps are sampled bilinearly.
A view of the globe is a `Camera` (the latitude and longitude at the centre of the disk, and
a zoom); `MoonGlobe.render` turns it into a surface with numpy, and `project` puts a latitude
and longitude on that surface, which is how every site, landing and station is placed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pygame

from game.client.moon_map import Crater, MoonMap, load_moon_map

MAX_ZOOM = 16.0  # close enough that the south pole's craters fill the panel
SMOOTH_FROM_ZOOM = 1.3  # from this zoom on, the map is sampled bilinearly: no blocky pixels


@dataclass
class Camera:
    """Where the globe is looked at from: the point at the centre of the disk, and a zoom."""

    lat: float = 8.0
    lon: float = 0.0
    zoom: float = 1.0

    def rotate(self, d_lon: float, d_lat: float) -> None:
        self.lon = (self.lon + d_lon + 180.0) % 360.0 - 180.0
        self.lat = max(-90.0, min(90.0, self.lat + d_lat))

    def zoom_by(self, factor: float) -> None:
        self.zoom = max(0.6, min(MAX_ZOOM, self.zoom * factor))

    def key(self) -> tuple[float, float, float]:
        return (round(self.lat, 2), round(self.lon, 2), round(self.zoom, 3))


def _basis(lat0: float, lon0: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit vectors (east, north, toward the viewer) of the screen, in Moon coordinates."""
    la, lo = math.radians(lat0), math.radians(lon0)
    forward = np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])
    east = np.array([-math.sin(lo), math.cos(lo), 0.0])
    north = np.array([-math.sin(la) * math.cos(lo), -math.sin(la) * math.sin(lo), math.cos(la)])
    return east, north, forward


MARE_DARKNESS = 0.44  # how much the darkest basalt takes from the highlands' brightness
ALBEDO_WIDTH = 2048  # about a texel a pixel for the whole disc at 1280x800


def make_albedo(
    width: int = ALBEDO_WIDTH, seed: int = 2021, moon: MoonMap | None = None
) -> np.ndarray:
    """The Moon's brightness (0..1) as an equirectangular map, rows from north to south.

    The maria and the named craters come from `moon` (the game's surface file by default),
    at their real positions and sizes; a seeded scatter of small craters and a gentle
    mottling of the highlands fill in the rest.
    """
    moon = moon or load_moon_map()
    height = width // 2
    rng = np.random.default_rng(seed)

    # Highlands: bright, with a gentle large-scale mottling.
    sphere = CoarseSphere((height, width))
    mottle = np.zeros_like(sphere.x)
    for _ in range(14):
        clat, clon = rng.uniform(-80, 80), rng.uniform(-180, 180)
        mottle += sphere.disc(clat, clon, rng.uniform(15, 40))
    albedo = 0.74 - 0.05 * sphere.expand(mottle)
    # Mare shorelines are ragged: a sum of seeded waves bends each disc's edge.
    wobble = Wobble(sphere, sphere.waves(rng))
    cover = np.zeros_like(albedo)
    # How dark the basalt is at each cell: where maria (or a mare's lobes) overlap, the
    # darker one counts, not the sum of both.
    plains = np.zeros_like(albedo)
    for mare in moon.maria:
        blobs = [
            _blob(albedo.shape, d.lat, d.lon, d.radius, soft=0.3, wobble=wobble) for d in mare.discs
        ]
        found = [blob for blob in blobs if blob is not None]
        if not found:
            continue
        band = slice(
            min(int(p.rows[0]) for p, _ in found), max(int(p.rows[-1]) for p, _ in found) + 1
        )
        cover[band] = 0.0
        for patch, value in found:
            cover[patch.index] = np.maximum(cover[patch.index], value)
        np.maximum(plains[band], mare.tone * cover[band], out=plains[band])
    albedo -= MARE_DARKNESS * plains

    # Craters, more of them on the old far-side highlands, sizes following a power law.
    count = 900
    sizes = 0.35 * (1.0 - rng.random(count)) ** -0.55
    sizes = np.minimum(sizes, 5.0)
    lats = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, count)))
    lons = rng.uniform(-180.0, 180.0, count)
    px_per_deg = width / 360.0
    keep = rng.random(count)
    for clat, clon, radius, chance in zip(lats, lons, sizes, keep, strict=True):
        # The maria are younger than the highlands: far fewer craters on them.
        row = min(height - 1, int((90.0 - clat) * px_per_deg))
        col = int((clon + 180.0) * px_per_deg) % width
        if plains[row, col] > 0.4 and chance > 0.25:
            continue
        _crater(albedo, clat, clon, radius, strength=0.9)
    for crater in moon.craters:
        _named_crater(albedo, crater)

    # A faint graticule every 30 degrees helps the eye follow a rotation.
    step_y = height / 6
    step_x = width / 12
    for k in range(1, 6):
        albedo[int(k * step_y), :] *= 0.93
    for k in range(12):
        albedo[:, int(k * step_x)] *= 0.93
    return np.clip(albedo, 0.05, 1.0)


def _named_crater(albedo: np.ndarray, crater: Crater) -> None:
    """Stamp a named crater as it looks: rayed, lava-flooded or in permanent shadow."""
    look = crater.look
    if look == "rays":
        _crater(albedo, crater.lat, crater.lon, crater.radius, strength=1.6, rays=True)
    elif look in ("dark", "shadowed"):
        _crater(albedo, crater.lat, crater.lon, crater.radius, strength=1.2, floor=0.3)
    else:
        _crater(albedo, crater.lat, crater.lon, crater.radius, strength=1.2, floor=0.05)


class CoarseSphere:
    """A map a quarter of the albedo's size for the long-wave parts of the surface (the
    highlands' mottling, the waves that bend the maria's shores): cheap to work out, then
    read cell by cell or stretched to the full map."""

    COARSE = 4

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.full = (shape[0], shape[1])
        height, width = shape[0] // self.COARSE, shape[1] // self.COARSE
        lat = np.radians(np.linspace(90.0, -90.0, height, dtype=np.float32))[:, None]
        lon = np.radians(np.linspace(-180.0, 180.0, width, endpoint=False, dtype=np.float32))
        cos_lat = np.cos(lat)
        self.x = cos_lat * np.cos(lon[None, :])
        self.y = cos_lat * np.sin(lon[None, :])
        self.z = np.sin(lat) + 0 * self.x

    def disc(self, lat: float, lon: float, radius: float, soft: float = 0.5) -> np.ndarray:
        """A smooth disc of angular `radius` degrees (1 inside, fading to 0)."""
        la, lo = math.radians(lat), math.radians(lon)
        dot = (
            self.x * (math.cos(la) * math.cos(lo))
            + self.y * (math.cos(la) * math.sin(lo))
            + self.z * math.sin(la)
        )
        angle = np.degrees(np.arccos(np.clip(dot, -1.0, 1.0)))
        edge = radius * soft
        return np.clip((radius + edge - angle) / (2 * edge), 0.0, 1.0)

    def waves(self, rng: np.random.Generator, count: int = 10) -> np.ndarray:
        """A sum of `count` seeded waves over the sphere, about -2..2."""
        total = np.zeros_like(self.x)
        for _ in range(count):
            a, b, c = (float(v) for v in rng.normal(0.0, 6.0, 3))
            total += np.sin(a * self.x + b * self.y + c * self.z + float(rng.uniform(0, 6.3)))
        return total / count**0.5

    def expand(self, grid: np.ndarray) -> np.ndarray:
        out = np.repeat(np.repeat(grid, self.COARSE, axis=0), self.COARSE, axis=1)
        return out[: self.full[0], : self.full[1]]

    def at(self, grid: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return grid[np.ix_(rows // self.COARSE, cols // self.COARSE)]


@dataclass
class Wobble:
    """Waves on a coarse map, read at the cells of a patch of the full map."""

    sphere: CoarseSphere
    grid: np.ndarray

    def at(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return self.sphere.at(self.grid, rows, cols)


@dataclass
class _Patch:
    """The cells of an equirectangular map near a point: their rows and columns, latitudes
    and longitudes (radians), and great-circle angle from the point (degrees)."""

    rows: np.ndarray
    cols: np.ndarray
    lat_r: np.ndarray  # a column vector, one a row
    lon_r: np.ndarray  # a row vector, one a column
    angle: np.ndarray

    @property
    def index(self) -> tuple[np.ndarray, ...]:
        return np.ix_(self.rows, self.cols)


def _region(shape: tuple[int, ...], lat: float, lon: float, reach: float) -> _Patch | None:
    """The cells of an equirectangular map within `reach` degrees of a point."""
    height, width = shape[0], shape[1]
    px_per_deg = width / 360.0
    row0 = max(0, int((90.0 - lat - reach) * px_per_deg))
    row1 = min(height, int((90.0 - lat + reach) * px_per_deg) + 1)
    rows = np.arange(row0, row1)
    if rows.size == 0:
        return None
    nearest_pole = max(abs(lat) + reach, 0.0)
    if nearest_pole >= 89.0:
        cols = np.arange(width)
    else:
        cos_lat = math.cos(math.radians(nearest_pole))
        half_cols = min(width // 2, int(reach / cos_lat * px_per_deg) + 1)
        centre_col = int((lon + 180.0) * px_per_deg)
        cols = np.arange(centre_col - half_cols, centre_col + half_cols + 1) % width
    row_lat = np.radians(90.0 - (rows + 0.5) / px_per_deg).astype(np.float32)[:, None]
    col_lon = np.radians((cols + 0.5) / px_per_deg - 180.0).astype(np.float32)[None, :]
    la, lo = math.radians(lat), math.radians(lon)
    cos_d = np.sin(row_lat) * math.sin(la) + np.cos(row_lat) * math.cos(la) * np.cos(col_lon - lo)
    angle = np.degrees(np.arccos(np.clip(cos_d, -1.0, 1.0)))
    return _Patch(rows, cols, row_lat, col_lon, angle)


def _blob(
    shape: tuple[int, ...],
    lat: float,
    lon: float,
    radius: float,
    soft: float = 0.5,
    wobble: Wobble | None = None,
) -> tuple[_Patch, np.ndarray] | None:
    """A smooth disc of angular `radius` degrees on the sphere (1 inside, fading to 0): the
    patch of the map it covers and its value there."""
    edge = radius * soft
    bend = radius * 0.3
    reach = radius + edge + (2.0 * bend if wobble is not None else 0.0)
    patch = _region(shape, lat, lon, reach)
    if patch is None:
        return None
    angle = patch.angle
    if wobble is not None:
        angle = angle + wobble.at(patch.rows, patch.cols) * bend
    return patch, np.clip((radius + edge - angle) / (2 * edge), 0.0, 1.0)


def crater_profile(d: np.ndarray, floor: float, rim: float) -> np.ndarray:
    """A crater's change to the brightness at `d` crater radii from its centre: a floor
    darker by `floor` (its edge softened over a tenth of the radius, so close-ups show no
    stair-steps), a bright rim, and faint ejecta."""
    return (
        -floor * np.clip((0.9 - d) / 0.1, 0.0, 1.0)
        + rim * np.exp(-(((d - 0.95) / 0.12) ** 2))
        + 0.3 * rim * np.clip(1.8 - d, 0.0, 0.8) * (d > 1.0)
    ).astype(np.float32)


def _crater(
    albedo: np.ndarray,
    lat: float,
    lon: float,
    radius: float,
    *,
    strength: float,
    rays: bool = False,
    floor: float = 0.06,
) -> None:
    """Stamp one crater (dark floor, bright rim, faint ejecta) into the map in place.

    Distances are great-circle angles, so craters keep their shape up to the poles.
    """
    patch = _region(albedo.shape, lat, lon, radius * (6.0 if rays else 2.2))
    if patch is None:
        return
    d = patch.angle / radius
    effect = crater_profile(d, floor * strength, 0.10 * strength)
    if rays:
        dy = np.degrees(patch.lat_r) - lat
        dx = ((np.degrees(patch.lon_r) - lon + 180.0) % 360.0 - 180.0) * np.cos(patch.lat_r)
        angle = np.arctan2(dy, dx)
        ray = np.maximum(0.0, np.cos(angle * 7.0)) ** 8 + np.maximum(0.0, np.sin(angle * 5.0)) ** 8
        effect += 0.07 * ray * np.exp(-d / 3.0) * (d > 1.0)
    albedo[patch.index] += effect


_ALBEDO_CACHE: dict[tuple[int, int], np.ndarray] = {}


def shared_albedo(width: int = ALBEDO_WIDTH, seed: int = 2021) -> np.ndarray:
    """The albedo map, made once per process (about a tenth of a second)."""
    key = (width, seed)
    if key not in _ALBEDO_CACHE:
        _ALBEDO_CACHE[key] = make_albedo(width, seed)
    return _ALBEDO_CACHE[key]


POLAR_CAP_LAT = -80.0  # south of this, the close-up polar map is used
# Where the Sun is seen from the pole, in the cap's (x, y) plane: toward the near side and a
# little west, which the south-pole view shows as the upper left, like the globe's light.
POLAR_SUN = (0.774, -0.633)
POLAR_CAP_SIZE = 1280  # about a texel a pixel in the south-pole view


def make_polar_cap(albedo: np.ndarray, size: int = POLAR_CAP_SIZE, seed: int = 2021) -> np.ndarray:
    """A fine map of the south polar cap, seen from below: rows and columns are the Moon's
    x and y coordinates (a unit sphere) across the cap. The equirectangular map has too few
    rows near the pole for the close-ups the race needs."""
    reach = math.cos(math.radians(-POLAR_CAP_LAT))
    axis = np.linspace(-reach, reach, size, dtype=np.float32)
    y, x = np.meshgrid(axis, axis, indexing="ij")
    z = -np.sqrt(np.clip(1.0 - x * x - y * y, 0.0, 1.0))
    lat = np.degrees(np.arcsin(z))
    lon = np.degrees(np.arctan2(y, x))
    # The equirectangular map has few rows this near the pole: only its broad tones are
    # kept (sampled coarsely, smoothed and stretched), and the detail is drawn anew below at
    # the cap's own scale.
    coarse = size // 16
    pick = np.linspace(0, size - 1, coarse).astype(np.int32)
    tex_h, tex_w = albedo.shape
    coarse_lat, coarse_lon = lat[np.ix_(pick, pick)], lon[np.ix_(pick, pick)]
    rows = np.clip(((90.0 - coarse_lat) / 180.0 * tex_h).astype(np.int32), 0, tex_h - 1)
    cols = (((coarse_lon + 180.0) / 360.0) * tex_w).astype(np.int32) % tex_w
    base = albedo[rows, cols].copy()
    for _ in range(4):
        base[1:-1, 1:-1] = (
            base[1:-1, 1:-1] * 4
            + base[:-2, 1:-1]
            + base[2:, 1:-1]
            + base[1:-1, :-2]
            + base[1:-1, 2:]
        ) / 8.0
    cap = _stretch(base, size)
    rng = np.random.default_rng(seed + 1)
    craters = [
        (c.lat, c.lon, c.radius, 0.3 if c.look == "shadowed" else 0.06)
        for c in load_moon_map().craters
        if c.lat < POLAR_CAP_LAT
    ]
    for _ in range(220):
        c_lat = -90.0 + 10.0 * math.sqrt(rng.random())
        craters.append((c_lat, rng.uniform(-180, 180), 0.08 * (1 - rng.random()) ** -0.6, 0.08))
    lat_r, lon_r = np.radians(lat), np.radians(lon)
    cell = 2 * reach / (size - 1)
    for c_lat, c_lon, c_radius, floor in craters:
        radius = min(float(c_radius), 1.8)
        la, lo = math.radians(c_lat), math.radians(c_lon)
        # Only the crater's neighbourhood on the cap's grid: (x, y) is the cap's plane.
        cx, cy = math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo)
        half = math.radians(radius * 2.3)
        c0 = max(0, int((cx - half + reach) / cell))
        c1 = min(size, int((cx + half + reach) / cell) + 2)
        r0 = max(0, int((cy - half + reach) / cell))
        r1 = min(size, int((cy + half + reach) / cell) + 2)
        if c0 >= c1 or r0 >= r1:
            continue
        sl_lat, sl_lon = lat_r[r0:r1, c0:c1], lon_r[r0:r1, c0:c1]
        cos_d = np.sin(sl_lat) * math.sin(la) + np.cos(sl_lat) * math.cos(la) * np.cos(sl_lon - lo)
        d = np.degrees(np.arccos(np.clip(cos_d, -1.0, 1.0))) / radius
        # The Sun stands low over the pole: the inner wall facing it is lit, the one in front
        # of it is in shade, and the outer slopes the other way round.
        off_x, off_y = x[r0:r1, c0:c1] - cx, y[r0:r1, c0:c1] - cy
        lit = -(off_x * POLAR_SUN[0] + off_y * POLAR_SUN[1]) / (np.hypot(off_x, off_y) + 1e-9)
        walls = 0.12 * np.exp(-(((d - 0.72) / 0.22) ** 2)) - 0.05 * np.exp(
            -(((d - 1.2) / 0.25) ** 2)
        )
        cap[r0:r1, c0:c1] += crater_profile(d, floor, 0.10) + (lit * walls).astype(np.float32)
    return np.clip(cap, 0.05, 1.0)


def _stretch(grid: np.ndarray, size: int) -> np.ndarray:
    """A square grid resized to `size` x `size` by bilinear interpolation."""
    n = grid.shape[0]
    f = np.linspace(0.0, n - 1.001, size, dtype=np.float32)
    i = f.astype(np.int32)
    t = (f - i)[None, :]
    rows = grid[i] * (1 - (f - i))[:, None] + grid[i + 1] * (f - i)[:, None]
    return (rows[:, i] * (1 - t) + rows[:, i + 1] * t).astype(np.float32)


_CAP_CACHE: dict[int, np.ndarray] = {}


def shared_polar_cap(seed: int = 2021) -> np.ndarray:
    if seed not in _CAP_CACHE:
        _CAP_CACHE[seed] = make_polar_cap(shared_albedo(seed=seed), seed=seed)
    return _CAP_CACHE[seed]


@dataclass
class _Grid:
    """The disc's pixels inside a viewport for one radius: positions and the light on them."""

    flat_index: np.ndarray
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    shade: np.ndarray


LIGHT = np.array([-0.45, 0.55, 0.70])
LIGHT = LIGHT / np.linalg.norm(LIGHT)
TINT = np.array([236.0, 232.0, 222.0], dtype=np.float32)
OFF_DISC = (255, 0, 255)  # the colour key around the disc: no tint of grey comes near it
# The palette of a render: entry 0 off the disc, then PALETTE_LEVELS shades of the tint up
# to BRIGHTEST (where every channel has reached 255).
PALETTE_LEVELS = 255
BRIGHTEST = 255.0 / float(TINT.min())
PALETTE = [
    OFF_DISC,
    *(
        tuple(int(c) for c in np.clip((k / (PALETTE_LEVELS - 1)) * BRIGHTEST * TINT, 0, 255))
        for k in range(PALETTE_LEVELS)
    ),
]


class MoonGlobe:
    """Renders the Moon for a camera into a viewport and maps latitude/longitude to pixels."""

    def __init__(
        self,
        size: tuple[int, int],
        camera: Camera | None = None,
        seed: int = 2021,
        *,
        smooth: bool = False,
    ) -> None:
        self.albedo = shared_albedo(seed=seed)
        self.smooth = smooth
        self.camera = camera or Camera()
        self.size = size
        self._grids: dict[tuple[int, int, int, int], _Grid] = {}
        self._surface: pygame.Surface | None = None
        self._surface_key: tuple[object, ...] | None = None
        self._basis = _basis(self.camera.lat, self.camera.lon)

    # -- geometry ---------------------------------------------------------------------------
    @property
    def radius(self) -> float:
        return 0.45 * min(self.size) * self.camera.zoom

    @property
    def centre(self) -> tuple[float, float]:
        return (self.size[0] / 2.0, self.size[1] / 2.0)

    def resize(self, size: tuple[int, int]) -> None:
        if size != self.size:
            self.size = size
            self._grids.clear()
            self._surface = None

    def project(self, lat: float, lon: float) -> tuple[float, float, bool]:
        """Pixel position of a point on the surface, and whether it faces the viewer."""
        la, lo = math.radians(lat), math.radians(lon)
        p = (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la))
        east, north, forward = self._basis
        x = p[0] * east[0] + p[1] * east[1] + p[2] * east[2]
        y = p[0] * north[0] + p[1] * north[1] + p[2] * north[2]
        z = p[0] * forward[0] + p[1] * forward[1] + p[2] * forward[2]
        cx, cy = self.centre
        r = self.radius
        return (cx + x * r, cy - y * r, z > 0.0)

    def facing(self, lat: float, lon: float) -> float:
        """How squarely a point faces the viewer: 1 at the centre of the disc, 0 at the limb."""
        la, lo = math.radians(lat), math.radians(lon)
        forward = self._basis[2]
        return float(
            math.cos(la) * math.cos(lo) * forward[0]
            + math.cos(la) * math.sin(lo) * forward[1]
            + math.sin(la) * forward[2]
        )

    def unproject(self, px: float, py: float) -> tuple[float, float] | None:
        """Latitude and longitude under a pixel, or None off the disc."""
        cx, cy = self.centre
        r = self.radius
        x, y = (px - cx) / r, -(py - cy) / r
        r2 = x * x + y * y
        if r2 > 1.0:
            return None
        z = math.sqrt(1.0 - r2)
        east, north, forward = self._basis
        p = x * east + y * north + z * forward
        return (
            math.degrees(math.asin(max(-1.0, min(1.0, p[2])))),
            math.degrees(math.atan2(p[1], p[0])),
        )

    # -- drawing ----------------------------------------------------------------------------
    def _grid(self, step: int) -> _Grid:
        w, h = self.size
        r = self.radius
        key = (w, h, round(r * 8), step)
        grid = self._grids.get(key)
        if grid is not None:
            return grid
        if len(self._grids) > 6:
            self._grids.clear()
        cw, ch = (w + step - 1) // step, (h + step - 1) // step
        cx, cy = self.centre
        ys, xs = np.mgrid[0:ch, 0:cw].astype(np.float32)
        x = (xs * step + step / 2.0 - cx) / r
        y = -(ys * step + step / 2.0 - cy) / r
        r2 = x * x + y * y
        inside = r2 <= 1.0
        flat = np.flatnonzero(inside)
        gx, gy = x.ravel()[flat], y.ravel()[flat]
        gz = np.sqrt(np.maximum(0.0, 1.0 - gx * gx - gy * gy))
        lambert = np.maximum(0.0, gx * LIGHT[0] + gy * LIGHT[1] + gz * LIGHT[2])
        shade = (0.22 + 0.78 * lambert) * (0.85 + 0.15 * gz)
        grid = _Grid(flat, gx, gy, gz, shade.astype(np.float32))
        self._grids[key] = grid
        return grid

    def _polar_close_up(
        self, sample: np.ndarray, px: np.ndarray, py: np.ndarray, pz: np.ndarray
    ) -> np.ndarray:
        """Replace the samples inside the south polar cap with the fine polar map."""
        limit = -math.sin(math.radians(-POLAR_CAP_LAT))
        inside = pz < limit
        if not inside.any():
            return sample
        cap = shared_polar_cap()
        size = cap.shape[0]
        reach = math.cos(math.radians(-POLAR_CAP_LAT))
        fx = (px[inside] + reach) / (2 * reach) * (size - 1)
        fy = (py[inside] + reach) / (2 * reach) * (size - 1)
        fx = np.clip(fx, 0.0, size - 1.001)
        fy = np.clip(fy, 0.0, size - 1.001)
        x0, y0 = fx.astype(np.int32), fy.astype(np.int32)
        ax, ay = fx - x0, fy - y0
        top = cap[y0, x0] * (1 - ax) + cap[y0, x0 + 1] * ax
        bottom = cap[y0 + 1, x0] * (1 - ax) + cap[y0 + 1, x0 + 1] * ax
        out = sample.copy()
        out[inside] = top * (1 - ay) + bottom * ay
        return out

    def render(self, *, draft: bool = False) -> pygame.Surface:
        """The globe as a viewport-sized surface, transparent (colour-keyed) off the disc;
        cached per camera."""
        step = 2 if draft else 1
        key = (self.camera.key(), self.size, step)
        if self._surface is not None and self._surface_key == key:
            return self._surface
        self._basis = _basis(self.camera.lat, self.camera.lon)
        w, h = self.size
        cw, ch = (w + step - 1) // step, (h + step - 1) // step
        grid = self._grid(step)
        # Plain floats: numpy then keeps the grid's float32, twice as fast as float64 here.
        east, north, forward = ([float(c) for c in axis] for axis in self._basis)
        px = grid.x * east[0] + grid.y * north[0] + grid.z * forward[0]
        py = grid.x * east[1] + grid.y * north[1] + grid.z * forward[1]
        pz = grid.x * east[2] + grid.y * north[2] + grid.z * forward[2]
        tex_h, tex_w = self.albedo.shape
        v = (1.0 - (np.arcsin(np.clip(pz, -1.0, 1.0)) / (math.pi / 2))) * 0.5 * tex_h
        u = (np.arctan2(py, px) / (2 * math.pi) + 0.5) * tex_w
        # Zoomed in, even a draft (while dragging) samples smoothly and uses the polar map,
        # so the close-up keeps its look as it moves.
        smooth = self.smooth or self.camera.zoom >= SMOOTH_FROM_ZOOM
        if smooth:
            # Bilinear sampling: close-ups (the polar views) magnify the map a lot.
            v = np.clip(v - 0.5, 0.0, tex_h - 1.001)
            u = u - 0.5
            r0 = v.astype(np.int32)
            c0 = np.floor(u).astype(np.int32)
            fv, fu = v - r0, u - c0
            c0 %= tex_w
            c1 = (c0 + 1) % tex_w
            a = self.albedo
            top = a[r0, c0] * (1 - fu) + a[r0, c1] * fu
            bottom = a[r0 + 1, c0] * (1 - fu) + a[r0 + 1, c1] * fu
            sample = top * (1 - fv) + bottom * fv
        else:
            row = np.clip(v.astype(np.int32), 0, tex_h - 1)
            col = u.astype(np.int32) % tex_w
            sample = self.albedo[row, col]
        if smooth:
            sample = self._polar_close_up(sample, px, py, pz)
        # One byte a pixel, a shade of the tint from the palette; 0 is off the disc.
        level = np.zeros(ch * cw, dtype=np.uint8)
        scaled = sample * grid.shade * ((PALETTE_LEVELS - 1) / BRIGHTEST) + 1.5
        level[grid.flat_index] = np.clip(scaled, 1, PALETTE_LEVELS).astype(np.uint8)
        surface = pygame.image.frombuffer(level.tobytes(), (cw, ch), "P")
        surface.set_palette(PALETTE)
        if step > 1:
            surface = pygame.transform.scale(surface, (w, h))
        else:
            surface = surface.copy()
        # A colour key, not per-pixel alpha: blitting it is a copy rather than a blend.
        surface.set_colorkey(OFF_DISC)
        self._surface = surface
        self._surface_key = key
        return surface


def starfield(size: tuple[int, int], seed: int = 7) -> pygame.Surface:
    """A dark sky with a seeded scatter of stars, drawn once per window size."""
    rng = np.random.default_rng(seed)
    surface = pygame.Surface(size)
    surface.fill((6, 9, 20))
    count = size[0] * size[1] // 2600
    xs = rng.integers(0, size[0], count)
    ys = rng.integers(0, size[1], count)
    levels = rng.integers(60, 220, count)
    for x, y, v in zip(xs, ys, levels, strict=True):
        surface.set_at((int(x), int(y)), (int(v), int(v), min(255, int(v) + 25)))
    return surface

"""The Moon as a shaded globe drawn by code: an orthographic projection that rotates and zooms.

The surface is a procedural albedo map made once from a seed - the real maria at their real
positions (Imbrium, Serenitatis, Tranquillitatis, the far side's Moscoviense, the South
Pole-Aitken basin...) and a seeded scatter of craters - so no imagery is downloaded. A view of
the globe is a `Camera` (the latitude and longitude at the centre of the disk, and a zoom);
`MoonGlobe.render` turns it into a surface with numpy, and `project` puts a latitude and
longitude on that surface, which is how every site, landing and station is placed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pygame

# (latitude, longitude, radius in degrees, darkness 0..1) of the dark basaltic plains.
MARIA: tuple[tuple[float, float, float, float], ...] = (
    (12.0, -57.0, 17.0, 0.85),  # Oceanus Procellarum, in overlapping patches
    (27.0, -52.0, 13.0, 0.85),
    (-2.0, -42.0, 10.0, 0.8),
    (40.0, -40.0, 8.0, 0.75),
    (33.0, -16.0, 15.0, 0.95),  # Mare Imbrium
    (28.0, 17.5, 9.0, 1.0),  # Mare Serenitatis
    (8.5, 31.0, 10.0, 1.0),  # Mare Tranquillitatis
    (17.0, 59.0, 6.5, 1.0),  # Mare Crisium
    (-7.8, 51.3, 8.5, 0.85),  # Mare Fecunditatis
    (-15.2, 35.0, 5.0, 0.85),  # Mare Nectaris
    (-21.0, -17.0, 9.0, 0.8),  # Mare Nubium
    (-24.4, -38.6, 5.0, 0.9),  # Mare Humorum
    (-10.0, -23.0, 5.0, 0.7),  # Mare Cognitum
    (7.5, -30.9, 6.0, 0.75),  # Mare Insularum
    (13.3, 3.6, 4.0, 0.8),  # Mare Vaporum
    (2.0, 1.0, 3.0, 0.6),  # Sinus Medii
    (56.0, -25.0, 5.0, 0.7),  # Mare Frigoris, a long thin band
    (57.0, -5.0, 5.0, 0.7),
    (56.0, 15.0, 5.0, 0.7),
    (55.0, 35.0, 4.0, 0.6),
    (-19.0, -93.0, 4.0, 0.7),  # Mare Orientale, on the western limb
    (27.3, 147.9, 4.0, 0.85),  # Mare Moscoviense, far side
    (-33.7, 163.5, 3.0, 0.6),  # Mare Ingenii
    (-21.2, 128.9, 2.0, 0.9),  # Tsiolkovskiy's dark floor
    (-53.0, -169.0, 22.0, 0.25),  # South Pole-Aitken basin: broad and only slightly darker
)

# Named craters: (latitude, longitude, radius in degrees, bright rays?).
BRIGHT_CRATERS: tuple[tuple[float, float, float, bool], ...] = (
    (-43.3, -11.2, 2.8, True),  # Tycho
    (9.6, -20.1, 2.5, True),  # Copernicus
    (8.1, -38.0, 1.0, False),  # Kepler
    (23.7, -47.4, 0.9, False),  # Aristarchus
)

# The south pole's permanently shadowed craters, where the ice is: dark floors.
POLAR_CRATERS: tuple[tuple[float, float, float], ...] = (
    (-89.9, 0.0, 0.35),  # Shackleton
    (-88.5, -87.1, 0.55),  # de Gerlache
    (-88.1, 44.9, 0.85),  # Shoemaker
    (-87.4, -5.0, 0.85),  # Haworth
    (-87.3, 77.0, 0.65),  # Faustini
    (-85.3, -42.1, 1.6),  # Cabeus
    (-85.2, 53.5, 1.2),  # Nobile
)


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
        self.zoom = max(0.6, min(4.0, self.zoom * factor))

    def key(self) -> tuple[float, float, float]:
        return (round(self.lat, 2), round(self.lon, 2), round(self.zoom, 3))


def _basis(lat0: float, lon0: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit vectors (east, north, toward the viewer) of the screen, in Moon coordinates."""
    la, lo = math.radians(lat0), math.radians(lon0)
    forward = np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])
    east = np.array([-math.sin(lo), math.cos(lo), 0.0])
    north = np.array([-math.sin(la) * math.cos(lo), -math.sin(la) * math.sin(lo), math.cos(la)])
    return east, north, forward


def make_albedo(width: int = 1024, seed: int = 2021) -> np.ndarray:
    """The Moon's brightness (0..1) as an equirectangular map, rows from north to south."""
    height = width // 2
    rng = np.random.default_rng(seed)
    lat = np.linspace(90.0, -90.0, height, dtype=np.float32)[:, None]
    lon = np.linspace(-180.0, 180.0, width, endpoint=False, dtype=np.float32)[None, :]
    lat_r, lon_r = np.radians(lat), np.radians(lon)
    cos_lat = np.cos(lat_r)
    xyz = (cos_lat * np.cos(lon_r), cos_lat * np.sin(lon_r), np.sin(lat_r) + 0 * lon_r)

    # Highlands: bright, with a gentle large-scale mottling.
    albedo = np.full((height, width), 0.74, dtype=np.float32)
    for _ in range(14):
        clat, clon = rng.uniform(-80, 80), rng.uniform(-180, 180)
        albedo -= 0.05 * _blob(xyz, clat, clon, rng.uniform(15, 40))
    # Mare shorelines are ragged: a sum of seeded waves bends each disc's edge.
    wobble = np.zeros((height, width), dtype=np.float32)
    for _ in range(10):
        wave = rng.normal(0.0, 6.0, 3)
        wobble += np.sin(
            wave[0] * xyz[0] + wave[1] * xyz[1] + wave[2] * xyz[2] + rng.uniform(0, 6.3)
        )
    wobble /= 10**0.5
    for clat, clon, radius, dark in MARIA:
        albedo -= 0.36 * dark * _blob(xyz, clat, clon, radius, soft=0.3, wobble=wobble)

    # Craters, more of them on the old far-side highlands, sizes following a power law.
    count = 700
    sizes = 0.35 * (1.0 - rng.random(count)) ** -0.55
    sizes = np.minimum(sizes, 6.0)
    lats = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, count)))
    lons = rng.uniform(-180.0, 180.0, count)
    for clat, clon, radius in zip(lats, lons, sizes, strict=True):
        _crater(albedo, clat, clon, radius, strength=0.9)
    for clat, clon, radius, rays in BRIGHT_CRATERS:
        _crater(albedo, clat, clon, radius, strength=1.6, rays=rays)
    for clat, clon, radius in POLAR_CRATERS:
        _crater(albedo, clat, clon, radius, strength=1.2, floor=0.3)

    # A faint graticule every 30 degrees helps the eye follow a rotation.
    step_y = height / 6
    step_x = width / 12
    for k in range(1, 6):
        albedo[int(k * step_y), :] *= 0.9
    for k in range(12):
        albedo[:, int(k * step_x)] *= 0.9
    return np.clip(albedo, 0.05, 1.0)


def _blob(
    xyz: tuple[np.ndarray, ...],
    lat: float,
    lon: float,
    radius: float,
    soft: float = 0.5,
    wobble: np.ndarray | None = None,
) -> np.ndarray:
    """A smooth disc of angular `radius` degrees on the sphere (1 inside, fading to 0)."""
    la, lo = math.radians(lat), math.radians(lon)
    c = (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la))
    dot = xyz[0] * c[0] + xyz[1] * c[1] + xyz[2] * c[2]
    ang = np.degrees(np.arccos(np.clip(dot, -1.0, 1.0)))
    if wobble is not None:
        ang = ang + wobble * radius * 0.3
    edge = radius * soft
    return np.clip((radius + edge - ang) / (2 * edge), 0.0, 1.0).astype(np.float32)


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
    height, width = albedo.shape
    px_per_deg = width / 360.0
    reach = radius * (6.0 if rays else 2.2)
    row0 = max(0, int((90.0 - lat - reach) * px_per_deg))
    row1 = min(height, int((90.0 - lat + reach) * px_per_deg) + 1)
    rows = np.arange(row0, row1)
    if rows.size == 0:
        return
    nearest_pole = max(abs(lat) + reach, 0.0)
    if nearest_pole >= 89.0:
        cols = np.arange(width)
    else:
        cos_lat = math.cos(math.radians(nearest_pole))
        half_cols = min(width // 2, int(reach / cos_lat * px_per_deg) + 1)
        centre_col = int((lon + 180.0) * px_per_deg)
        cols = np.arange(centre_col - half_cols, centre_col + half_cols + 1) % width
    row_lat = np.radians(90.0 - (rows + 0.5) / px_per_deg)[:, None]
    col_lon = np.radians((cols + 0.5) / px_per_deg - 180.0)[None, :]
    la, lo = math.radians(lat), math.radians(lon)
    cos_d = np.sin(row_lat) * math.sin(la) + np.cos(row_lat) * math.cos(la) * np.cos(col_lon - lo)
    d = np.degrees(np.arccos(np.clip(cos_d, -1.0, 1.0))) / radius
    effect = np.zeros_like(d, dtype=np.float32)
    effect -= floor * strength * (d < 0.85)
    effect += 0.10 * strength * np.exp(-(((d - 0.95) / 0.12) ** 2))
    effect += 0.03 * strength * np.clip(1.8 - d, 0.0, 0.8) * (d > 1.0)
    if rays:
        dy = np.degrees(row_lat) - lat
        dx = ((np.degrees(col_lon) - lon + 180.0) % 360.0 - 180.0) * np.cos(row_lat)
        angle = np.arctan2(dy, dx)
        ray = np.maximum(0.0, np.cos(angle * 7.0)) ** 8 + np.maximum(0.0, np.sin(angle * 5.0)) ** 8
        effect += 0.07 * ray * np.exp(-d / 3.0) * (d > 1.0)
    albedo[np.ix_(rows, cols)] += effect


_ALBEDO_CACHE: dict[tuple[int, int], np.ndarray] = {}


def shared_albedo(width: int = 1024, seed: int = 2021) -> np.ndarray:
    """The albedo map, made once per process (about a tenth of a second)."""
    key = (width, seed)
    if key not in _ALBEDO_CACHE:
        _ALBEDO_CACHE[key] = make_albedo(width, seed)
    return _ALBEDO_CACHE[key]


POLAR_CAP_LAT = -80.0  # south of this, the close-up polar map is used
POLAR_CAP_SIZE = 384


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
    tex_h, tex_w = albedo.shape
    rows = np.clip(((90.0 - lat) / 180.0 * tex_h).astype(np.int32), 0, tex_h - 1)
    cols = (((lon + 180.0) / 360.0) * tex_w).astype(np.int32) % tex_w
    cap = albedo[rows, cols].copy()
    # Smooth the blocky rows of the coarse map, then add detail at the cap's own scale.
    for _ in range(3):
        cap[1:-1, 1:-1] = (
            cap[1:-1, 1:-1] * 4 + cap[:-2, 1:-1] + cap[2:, 1:-1] + cap[1:-1, :-2] + cap[1:-1, 2:]
        ) / 8.0
    rng = np.random.default_rng(seed + 1)
    craters = [(c_lat, c_lon, r, 0.3) for c_lat, c_lon, r in POLAR_CRATERS]
    for _ in range(140):
        c_lat = -90.0 + 10.0 * math.sqrt(rng.random())
        craters.append((c_lat, rng.uniform(-180, 180), 0.08 * (1 - rng.random()) ** -0.6, 0.08))
    lat_r, lon_r = np.radians(lat), np.radians(lon)
    cell = 2 * reach / (size - 1)
    for c_lat, c_lon, radius, floor in craters:
        radius = min(radius, 1.8)
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
        effect = (
            -floor * (d < 0.85)
            + 0.10 * np.exp(-(((d - 0.95) / 0.12) ** 2))
            + 0.03 * np.clip(1.8 - d, 0.0, 0.8) * (d > 1.0)
        )
        cap[r0:r1, c0:c1] += effect.astype(np.float32)
    return np.clip(cap, 0.05, 1.0)


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
        if self.smooth:
            # Bilinear sampling: close-ups (the polar inset) magnify the map a lot.
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
        if self.smooth:
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

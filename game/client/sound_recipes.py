"""How each of the client's sounds is made: short pieces of numpy synthesis, no recordings.

Every sound the game plays ships in `assets/sounds/` and was written by this module:

    python -m game.client.sound_recipes            # writes assets/sounds/*.ogg

The recipes are deterministic (the noise is seeded), so running it again gives the same
sounds (the Ogg files' bytes differ only in their random stream serial numbers). `RECIPES`
maps each cue the client plays (game.client.sound) to the function that makes it; each
returns mono samples in -1..1 at `RATE`. Writing Ogg Vorbis needs the `soundfile` package
(in the `dev` extra); playing them needs only pygame.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

RATE = 22050  # samples a second: plenty for soft effects and a quiet pad, and small files
SEED = 1969


def _time(seconds: float) -> np.ndarray:
    return np.arange(int(seconds * RATE), dtype=np.float64) / RATE


def _envelope(t: np.ndarray, attack: float, decay: float) -> np.ndarray:
    """Rises over `attack` seconds, then falls away exponentially with time constant `decay`."""
    rise = np.clip(t / max(attack, 1e-4), 0.0, 1.0)
    return rise * np.exp(-np.maximum(t - attack, 0.0) / decay)


def _bell(freq: float, seconds: float, decay: float = 0.5) -> np.ndarray:
    """A soft bell: a fundamental and a few inharmonic partials that die away faster."""
    t = _time(seconds)
    out = np.zeros_like(t)
    for ratio, level, fade in (
        (1.0, 1.0, 1.0),
        (2.0, 0.35, 0.6),
        (2.76, 0.18, 0.4),
        (5.4, 0.06, 0.2),
    ):
        out += level * np.sin(2 * np.pi * freq * ratio * t) * _envelope(t, 0.004, decay * fade)
    return out


def _smooth_noise(rng: np.random.Generator, seconds: float, width: int) -> np.ndarray:
    """White noise averaged twice over `width` samples: a rumble when wide, a hiss when
    narrow (averaging twice cuts the highs much more cleanly than once)."""
    raw = rng.normal(0.0, 1.0, int(seconds * RATE) + 2 * width)
    kernel = np.ones(width) / width
    once = np.convolve(raw, kernel, mode="valid")
    smooth = np.convolve(once, kernel, mode="valid")[: int(seconds * RATE)]
    return smooth / (np.abs(smooth).max() + 1e-9)


def _place(track: np.ndarray, part: np.ndarray, at: float) -> None:
    start = int(at * RATE)
    end = min(len(track), start + len(part))
    track[start:end] += part[: end - start]


def _finish(samples: np.ndarray, peak: float) -> np.ndarray:
    """Scaled to `peak`, with 5 ms fades at both ends so nothing clicks."""
    out = samples / (np.abs(samples).max() + 1e-9) * peak
    fade = min(len(out) // 2, int(0.005 * RATE))
    ramp = np.linspace(0.0, 1.0, fade)
    out[:fade] *= ramp
    out[len(out) - fade :] *= ramp[::-1]
    return out.astype(np.float32)


def launch() -> np.ndarray:
    """Engines light: a deep rumble that swells, roars and fades as the rocket climbs away."""
    rng = np.random.default_rng(SEED)
    seconds = 3.2
    t = _time(seconds)
    rumble = _smooth_noise(rng, seconds, 90) + 0.25 * _smooth_noise(rng, seconds, 30)
    swell = np.clip(t / 0.9, 0.0, 1.0) ** 2 * np.exp(-np.maximum(t - 1.1, 0.0) / 0.9)
    hum = 0.25 * np.sin(2 * np.pi * (42 + 8 * t) * t)
    return _finish((rumble + hum) * swell, 0.8)


def landing() -> np.ndarray:
    """Touchdown: a soft thud, then two rising tones of confirmation."""
    rng = np.random.default_rng(SEED + 1)
    track = np.zeros(int(1.6 * RATE))
    t = _time(0.35)
    thud = _smooth_noise(rng, 0.35, 40) * _envelope(t, 0.01, 0.08)
    thud += 0.6 * np.sin(2 * np.pi * 70 * t) * _envelope(t, 0.005, 0.1)
    _place(track, thud, 0.0)
    _place(track, 0.5 * _bell(659.3, 0.9, 0.35), 0.32)  # E5
    _place(track, 0.5 * _bell(987.8, 1.0, 0.45), 0.52)  # B5
    return _finish(track, 0.7)


def failure() -> np.ndarray:
    """Loss of signal: a crackle and two falling, darkening tones."""
    rng = np.random.default_rng(SEED + 2)
    track = np.zeros(int(1.9 * RATE))
    t = _time(0.3)
    _place(track, 0.3 * _smooth_noise(rng, 0.3, 6) * _envelope(t, 0.002, 0.05), 0.0)
    for at, freq in ((0.15, 392.0), (0.55, 311.1)):  # G4, then E-flat4: a minor fall
        t = _time(1.2)
        glide = freq * (1.0 - 0.06 * t)
        tone = np.sin(2 * np.pi * np.cumsum(glide) / RATE) + 0.3 * np.sin(
            4 * np.pi * np.cumsum(glide) / RATE
        )
        _place(track, 0.45 * tone * _envelope(t, 0.02, 0.35), at)
    return _finish(track, 0.7)


def first() -> np.ndarray:
    """A first achieved: a bright rising arpeggio that rings on."""
    track = np.zeros(int(2.2 * RATE))
    for n, freq in enumerate((523.3, 659.3, 784.0, 1046.5)):  # C5 E5 G5 C6
        _place(track, _bell(freq, 1.6, 0.6 if n == 3 else 0.35), 0.11 * n)
    return _finish(track, 0.75)


def turn() -> np.ndarray:
    """The turn has resolved: one low, warm chime with its fifth."""
    track = np.zeros(int(1.5 * RATE))
    _place(track, _bell(392.0, 1.5, 0.5), 0.0)  # G4
    _place(track, 0.5 * _bell(587.3, 1.3, 0.4), 0.06)  # D5
    return _finish(track, 0.55)


def proposal() -> np.ndarray:
    """A proposal has come in: a short two-note ping, like a message arriving."""
    track = np.zeros(int(0.9 * RATE))
    _place(track, _bell(880.0, 0.6, 0.18), 0.0)  # A5
    _place(track, _bell(1174.7, 0.7, 0.22), 0.12)  # D6
    return _finish(track, 0.5)


def ambient() -> np.ndarray:
    """Quiet music for the long watch: slow chords of soft detuned sines over a low drone,
    48 seconds that loop seamlessly (every chord fades in and out inside the loop)."""
    seconds = 48.0
    track = np.zeros(int(seconds * RATE))
    chords = (  # A minor, F major, C major, G major, low and open
        (110.0, 164.8, 220.0, 261.6),
        (87.3, 130.8, 174.6, 220.0),
        (130.8, 196.0, 261.6, 329.6),
        (98.0, 146.8, 196.0, 246.9),
    )
    span = seconds / len(chords)
    for n, chord in enumerate(chords):
        t = _time(span + 4.0)
        # A smooth swell over the chord's span, overlapping its neighbours by two seconds.
        shape = np.sin(np.pi * np.clip(t / (span + 4.0), 0.0, 1.0)) ** 2
        voice = np.zeros_like(t)
        for k, freq in enumerate(chord):
            for detune in (-0.4, 0.4):
                voice += np.sin(2 * np.pi * (freq + detune) * t + k) / (1 + 0.5 * k)
        # Placed on the loop, wrapping round its end: the first chord starts before zero.
        part = np.roll(
            np.pad(voice * shape, (0, len(track) - len(voice))), int(n * span - 2.0) * RATE
        )
        track += part
    drone_t = _time(seconds)
    track += (
        0.8
        * np.sin(2 * np.pi * 55.0 * drone_t)
        * (0.6 + 0.4 * np.sin(2 * np.pi * drone_t / seconds))
    )
    return _finish(track, 0.35)


RECIPES: dict[str, Callable[[], np.ndarray]] = {
    "launch": launch,
    "landing": landing,
    "failure": failure,
    "first": first,
    "turn": turn,
    "proposal": proposal,
    "ambient": ambient,
}


def write_sounds(folder: Path) -> list[Path]:
    """Make every sound and write it to `folder` as Ogg Vorbis; returns the files written."""
    import soundfile  # only needed here: the game itself just plays the files

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, recipe in RECIPES.items():
        path = folder / f"{name}.ogg"
        soundfile.write(str(path), recipe(), RATE, format="OGG", subtype="VORBIS")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    from game.client.assets import asset_file

    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else asset_file("sounds")
    for path in write_sounds(folder):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

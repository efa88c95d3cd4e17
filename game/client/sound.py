"""The client's sounds: what happened in a turn, heard, and quiet music under it all.

A `SoundBoard` (the `App` owns one) plays the cues of `CUES` through `pygame.mixer`: a
launch, a landing, a failure, a first achieved, a resolved turn and a proposal received, and
loops the ambient music. `turn_cues` reads a turn's events as the seat saw them and says which
cues it calls for, one of each at most, spaced out so they do not pile up. The volume and
mute come from the player's settings (`game.client.settings`); M (or Ctrl+M where M has another use)
mutes and unmutes. Without an audio device the mixer does not start and the game is silent:
nothing else changes.

The sounds are made by the project (game.client.sound_recipes) and ship in `assets/sounds/`
with their origin and licence written beside them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pygame

from game.client.assets import asset_file
from game.client.settings import Settings

CUES = ("launch", "landing", "failure", "first", "turn", "proposal")
MUSIC = "ambient"
MUSIC_LEVEL = 0.35  # the music sits under the cues: this share of the volume
# Seconds after the turn's chime at which each cue sounds, so that a busy turn is heard in
# the order it happened: the launch, then how it ended, then the glory, then the mail.
CUE_DELAYS = {
    "turn": 0.0,
    "launch": 0.5,
    "landing": 2.4,
    "failure": 2.4,
    "first": 3.4,
    "proposal": 4.4,
}


def _landed(steps: Iterable[Any]) -> bool:
    """A flight's step record ([name, chance, passed], ...) includes a descent that held."""
    return any(
        isinstance(step, list | tuple) and len(step) >= 3 and step[0] == "descent" and step[2]
        for step in steps
    )


def turn_cues(events: Iterable[Mapping[str, Any]], seat: str | None) -> list[str]:
    """The cues a resolved turn calls for, as `seat` (None: a spectator) saw it: the chime,
    then the seat's own flights (every flight, for a spectator), any first achieved, and a
    proposal addressed to the seat."""
    cues = ["turn"]
    for event in events:
        kind = event.get("kind")
        data = event.get("data") or {}
        if kind == "mission_flown":
            crew = {event.get("agency"), *data.get("partners", [])}
            if seat is not None and seat not in crew:
                continue
            cues.append("launch")
            if data.get("result") == "failure":
                cues.append("failure")
            elif _landed(data.get("steps", [])):
                cues.append("landing")
        elif kind == "milestone" and data.get("rank") == 1:
            cues.append("first")
        elif kind == "proposal_made" and (data.get("proposal") or {}).get("to") == seat:
            cues.append("proposal")
    return sorted(dict.fromkeys(cues), key=lambda cue: CUE_DELAYS[cue])


def _start_mixer() -> bool:
    """Start the mixer; False (and silence) when there is no audio device."""
    try:
        if pygame.mixer.get_init() is None:
            pygame.mixer.init()
        return pygame.mixer.get_init() is not None
    except pygame.error:
        return False


class SoundBoard:
    """Plays cues and the music at the player's volume; silent without an audio device."""

    def __init__(self, settings: Settings | None = None, folder: Path | None = None):
        self.settings = settings or Settings()
        self.folder = folder or asset_file("sounds")
        self.available = _start_mixer()
        self.sounds: dict[str, pygame.mixer.Sound] = {}
        self.played: list[str] = []  # the cues that sounded, oldest first (the last 50)
        self._due: list[tuple[float, str]] = []  # (seconds from now, cue)
        self._last_turn: tuple[str, int] | None = None
        if self.available:
            self._start_music()

    @property
    def audible(self) -> bool:
        return self.available and not self.settings.muted and self.settings.volume > 0

    def _start_music(self) -> None:
        try:
            pygame.mixer.music.load(str(self.folder / f"{MUSIC}.ogg"))
            pygame.mixer.music.set_volume(self._music_volume())
            pygame.mixer.music.play(loops=-1, fade_ms=3000)
        except (pygame.error, FileNotFoundError):
            pass  # no music: the cues still play

    def _music_volume(self) -> float:
        return 0.0 if not self.audible else self.settings.volume * MUSIC_LEVEL

    # -- what the game asks -----------------------------------------------------------------
    def play(self, cue: str, delay: float = 0.0) -> None:
        """Sound `cue` now, or after `delay` seconds."""
        if cue not in CUES:
            raise ValueError(f"no sound cue {cue!r}")
        self._due.append((delay, cue))

    def turn_resolved(
        self, room: str, turn: int, events: Iterable[Mapping[str, Any]], seat: str | None
    ) -> None:
        """A new turn's events arrived: sound what they call for, once per turn."""
        if self._last_turn == (room, turn):
            return
        self._last_turn = (room, turn)
        for cue in turn_cues(events, seat):
            self.play(cue, CUE_DELAYS[cue])

    def toggle_mute(self) -> bool:
        """Mute or unmute; returns True when the sound is now on."""
        self.settings.muted = not self.settings.muted
        self.apply_volume()
        return not self.settings.muted

    def set_volume(self, volume: float) -> None:
        self.settings.volume = max(0.0, min(1.0, volume))
        self.apply_volume()

    def use(self, settings: Settings) -> None:
        """Follow these settings from now on (the settings screen saved new ones)."""
        self.settings = settings
        self.apply_volume()

    def apply_volume(self) -> None:
        if not self.available or pygame.mixer.get_init() is None:
            return
        pygame.mixer.music.set_volume(self._music_volume())
        if not self.audible:
            pygame.mixer.stop()
            self._due.clear()

    def update(self, dt: float) -> None:
        if not self._due:
            return
        still = []
        for delay, cue in self._due:
            if delay - dt > 0:
                still.append((delay - dt, cue))
            else:
                self._sound(cue)
        self._due = still

    def _sound(self, cue: str) -> None:
        if not self.audible or pygame.mixer.get_init() is None:
            return
        sound = self._load(cue)
        if sound is None:
            return
        sound.set_volume(self.settings.volume)
        sound.play()
        self.played.append(cue)
        del self.played[:-50]

    def _load(self, cue: str) -> pygame.mixer.Sound | None:
        """A cue's sound, read when it is first played (startup stays quick)."""
        if cue not in self.sounds:
            try:
                self.sounds[cue] = pygame.mixer.Sound(str(self.folder / f"{cue}.ogg"))
            except (pygame.error, FileNotFoundError):
                return None  # a missing file is one silent cue, not a crash
        return self.sounds[cue]

    def close(self) -> None:
        if self.available and pygame.mixer.get_init() is not None:
            pygame.mixer.music.stop()
            pygame.mixer.stop()

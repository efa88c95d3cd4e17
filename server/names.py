"""Player names: printable, trimmed, and unique where they are shown side by side.

A name is what others read in the lobby chat, a room's seats and its chat, so it must not be
able to pass for someone else's: no control or format characters (NUL, right-to-left
overrides, zero-width joiners), no leading, trailing or repeated spaces, and no two alike in
the lobby or in one room. Alike means equal once case and compatibility forms are folded
("Ada", "ADA" and "Ada" in full-width letters are one name); a name already in use gets the
next free number.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

from game.protocol.errors import ErrorCode, ProtocolError
from game.protocol.messages import MAX_NAME

# Unicode categories a name may not hold: control, format, surrogate, private use,
# unassigned, and line or paragraph separators.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def clean_name(raw: str) -> str:
    """The name as others will see it; ProtocolError (malformed) if nothing printable is
    left or it holds a character that could disguise it."""
    text = unicodedata.normalize("NFC", raw)
    bad = sorted({f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in REFUSED_CATEGORIES})
    if bad:
        raise ProtocolError(
            f"a name may hold only printable characters, not {', '.join(bad)}",
            code=ErrorCode.MALFORMED,
        )
    name = " ".join(text.split())  # every run of spaces, of any kind, becomes one space
    if not name:
        raise ProtocolError("a name needs a printable character", code=ErrorCode.MALFORMED)
    return name


def folded(name: str) -> str:
    """The form two names are compared in."""
    return unicodedata.normalize("NFKC", name).casefold()


def unique_name(name: str, used: Collection[str]) -> str:
    """`name`, or `name 2`, `name 3`... - the first whose folded form is not in `used`."""
    if folded(name) not in used:
        return name
    number = 2
    while True:
        suffix = f" {number}"
        candidate = name[: MAX_NAME - len(suffix)].rstrip() + suffix
        if folded(candidate) not in used:
            return candidate
        number += 1

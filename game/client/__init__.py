"""The pygame client: scenes for the menus, the lobby, the game, the end and replays."""

import os

# pygame greets on import; the command line's output is for the game's own messages.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

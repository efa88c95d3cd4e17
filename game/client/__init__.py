"""The pygame client: scenes for the menus, the lobby, the game, the end and replays.

`app` owns the window and the frame loop; `router` is the one way from scene to scene and
the only module that imports the scenes (`title`, `new_game`, `lobby`, `game_screen`,
`end_screen`); `session` and `replay_viewer` feed the game screen from a server or a replay;
`net_link` runs `game.net.Client` beside the frame loop. The client never imports the
server: a local game's server comes from the command line (`game.cli.play`) as a
`local_host.LocalHost`.
"""

import os

# pygame greets on import; the command line's output is for the game's own messages.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

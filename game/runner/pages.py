"""Self-contained HTML pages: a replay to watch in a browser, and a tournament's leaderboard.

Each page is one file with its data, style and script inside and nothing fetched from
elsewhere, so it opens in any browser, on a machine without the game, and still shows the
match after the game's content has changed: everything it shows was worked out from the
replay when the page was written.

`replay_page(replay, perspective)` re-plays a replay (checking every turn's hash) and keeps,
turn by turn, what the perspective saw - the public view, or one agency's: the date, the
standings, the Moon's sites and stations, the flights and the news. `tournament_page`
writes the bots' ratings, a crosstable of how each bot did against each other on the same
boards, the agencies' table, and links to the games' replay pages.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from game.replay import Replay, first_state, simulate
from game.runner.ratings import AgencyRow, BotStanding
from game.runner.results import GameRecord

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #0b0e17; color: #dde3f0; }
header, main { padding: 12px 20px; }
header { background: #141a2b; border-bottom: 1px solid #2a3350; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 16px 0 6px; }
.muted { color: #8a94b0; } a { color: #8fb8ff; }
table { border-collapse: collapse; margin: 4px 0 12px; }
th, td { padding: 3px 9px; border-bottom: 1px solid #26304a; text-align: right; }
th:first-child, td:first-child, .l { text-align: left; }
.grid { display: grid; grid-template-columns: minmax(320px, 460px) 1fr; gap: 18px; }
.panel { background: #121829; border: 1px solid #26304a; border-radius: 6px; padding: 10px; }
.controls { display: flex; gap: 8px; align-items: center; margin: 8px 0; }
.controls input[type=range] { flex: 1; }
button { background: #24304f; color: #dde3f0; border: 1px solid #3a4a75; border-radius: 4px;
  padding: 3px 10px; cursor: pointer; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 5px; }
ul.news { list-style: none; padding: 0; margin: 0; max-height: 260px; overflow-y: auto; }
ul.news li { padding: 3px 0; border-bottom: 1px solid #1f2840; }
.win { color: #ffd36b; font-weight: 600; }
td.good { color: #8fe0a0; } td.bad { color: #f08a8a; }
"""


def page(title: str, body: str, data: Any = None, script: str = "") -> str:
    """A whole HTML document: `body` (already HTML), `data` as JSON for `script`."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        # The page makes no request at all, not even for an icon.
        '<link rel="icon" href="data:,">',
        f"<style>{STYLE}</style></head><body>",
        body,
    ]
    if data is not None:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        text = text.replace("</", "<\\/")  # the JSON cannot close its script element
        parts.append(f'<script type="application/json" id="data">{text}</script>')
    if script:
        parts.append(f"<script>{script}</script>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


# -- a replay -------------------------------------------------------------------------------


def replay_frames(replay: Replay, perspective: str | None) -> dict[str, Any]:
    """What the page shows of a replayed match, turn by turn, as `perspective` saw it (None:
    the public view). Raises `ReplayError` if the replay does not re-play on this game."""
    from game import rules

    if perspective is not None and perspective not in replay.agencies:
        raise ValueError(f"{perspective!r} is not in this match ({', '.join(replay.agencies)})")
    state = first_state(replay)
    content = state.content
    steps: list[tuple[Any, list[Any]]] = [(state, [])]
    steps += [(step.state, step.events) for step in simulate(replay, any_version=True)]
    frames = [
        _frame(rules.view(s, perspective), rules.events_for(e, perspective)) for s, e in steps
    ]
    return {
        "title": content.title,
        "scenario": replay.scenario,
        "seed": replay.seed,
        "perspective": perspective,
        "agencies": {
            a: {"name": content.agencies[a].name, "color": content.agencies[a].color}
            for a in replay.agencies
        },
        "bots": dict(replay.bots or replay.seats),
        "sites": {
            s.id: {"name": s.name, "lat": s.lat, "lon": s.lon, "ice": s.ice > 0}
            for s in content.sites.values()
        },
        "frames": frames,
        "outcome": replay.outcome,
    }


def _frame(view: Mapping[str, Any], events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One turn as the page shows it."""
    out: dict[str, Any] = {
        "turn": view["turn"],
        "date": view["date"],
        "agencies": {
            a: {
                "prestige": p["prestige"],
                "standing": p["standing"],
                "support": p["support"],
                "flights": p["flights"],
                "failures": p["failures"],
            }
            for a, p in view["agencies"].items()
        },
        "stations": [
            {
                "name": st["name"],
                "site": st["site"],
                "owner": st["owner"],
                "crew": st["crew_count"],
                "modules": len(st["modules"]),
                "crewed_turns": st["crewed_turns"],
            }
            for st in view["stations"].values()
        ],
        "flights": [
            {
                "name": f["name"],
                "agency": f["agency"],
                "site": f["site"],
                "result": f["result"],
                "crew": f.get("crew", 0),
            }
            for f in view["flights"]
            if f["turn"] == view["turn"] - 1
        ],
        "news": [{"agency": e["agency"], "text": e["text"]} for e in events],
    }
    me = view.get("me")
    if me is not None:
        out["me"] = {
            "treasury": me["treasury"],
            "income": me["income"],
            "programs": [
                {"name": p["name"], "phase": p["phase"], "paid": p["paid"], "cost": p["cost"]}
                for p in view["programs"].values()
            ],
        }
    return out


REPLAY_BODY = """
<header><h1 id="title"></h1><div class="muted" id="subtitle"></div></header>
<main>
<div class="controls">
  <button id="first" title="first turn">|&lt;</button>
  <button id="back" title="turn before">&lt;</button>
  <button id="play">play</button>
  <button id="next" title="turn after">&gt;</button>
  <button id="last" title="last turn">&gt;|</button>
  <input type="range" id="timeline" min="0" value="0" aria-label="turn">
  <strong id="date"></strong>
</div>
<div class="grid">
  <div>
    <div class="panel"><svg id="moon" viewBox="-210 -210 420 420" width="100%"
      role="img" aria-label="the Moon"></svg>
    <div class="muted">The Moon seen from below its south pole: the pole at the centre
    (magnified), the equator on the dashed circle, the near side up. The ring is lunar
    orbit.</div></div>
    <h2>Flights this turn</h2><ul class="news" id="flights"></ul>
  </div>
  <div>
    <div class="panel"><svg id="chart" viewBox="0 0 640 240" width="100%" role="img"
      aria-label="prestige over time"></svg></div>
    <h2>Standings</h2><table id="standings"></table>
    <div id="own"></div>
    <h2>News</h2><ul class="news" id="news"></ul>
  </div>
</div>
</main>
"""

REPLAY_SCRIPT = r"""
"use strict";
const D = JSON.parse(document.getElementById("data").textContent);
const $ = (id) => document.getElementById(id);
const NS = "http://www.w3.org/2000/svg";
const last = D.frames.length - 1;
let at = 0, timer = null;

function el(tag, attrs, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}
function color(a) { return (D.agencies[a] || {}).color || "#aaaaaa"; }
function name(a) { return (D.agencies[a] || {}).name || a || "world"; }
function li(list, text, agency) {
  const item = document.createElement("li");
  if (agency) {
    const swatch = document.createElement("span");
    swatch.className = "swatch"; swatch.style.background = color(agency);
    item.appendChild(swatch);
  }
  item.appendChild(document.createTextNode(text));
  list.appendChild(item);
}
// The south pole at the centre; the radius grows with the square root of the distance from
// the pole, so the polar sites stand apart and the equator still fits.
function place(lat, lon) {
  const r = 190 * Math.sqrt((90 + lat) / 180);
  const a = lon * Math.PI / 180;
  return [r * Math.sin(a), -r * Math.cos(a)];
}
function drawMoon(frame) {
  const svg = $("moon");
  svg.replaceChildren();
  svg.appendChild(el("circle", {cx: 0, cy: 0, r: 190, fill: "#2b2f3a", stroke: "#555c70"}));
  svg.appendChild(el("circle", {cx: 0, cy: 0, r: 134, fill: "none", stroke: "#444a5c",
    "stroke-dasharray": "4 4"}));
  svg.appendChild(el("circle", {cx: 0, cy: 0, r: 203, fill: "none", stroke: "#3a4a75"}));
  svg.appendChild(el("text", {x: 0, y: -176, fill: "#8a94b0", "text-anchor": "middle",
    "font-size": 10}, "near side"));
  svg.appendChild(el("text", {x: 0, y: 184, fill: "#8a94b0", "text-anchor": "middle",
    "font-size": 10}, "far side"));
  for (const [id, s] of Object.entries(D.sites)) {
    const [x, y] = place(s.lat, s.lon);
    const dot = el("circle", {cx: x, cy: y, r: 2.5, fill: s.ice ? "#9fd3ff" : "#c8c8c8"});
    dot.appendChild(el("title", {}, s.name));
    svg.appendChild(dot);
  }
  let orbit = 0;
  for (const st of frame.stations) {
    const s = D.sites[st.site];
    let x, y;
    if (s) { [x, y] = place(s.lat, s.lon); } else {
      const a = (orbit++ * 40 - 60) * Math.PI / 180;
      x = 203 * Math.cos(a); y = 203 * Math.sin(a);
    }
    const mark = el("rect", {x: x - 5, y: y - 5, width: 10, height: 10, rx: 2,
      fill: color(st.owner), stroke: st.crew > 0 ? "#ffffff" : "#000000"});
    mark.appendChild(el("title", {}, `${st.name}: ${st.modules} modules, crew ${st.crew}` +
      `, crewed ${st.crewed_turns} turns`));
    svg.appendChild(mark);
    svg.appendChild(el("text", {x: x + 8, y: y + 4, fill: "#dde3f0", "font-size": 10},
      st.name));
  }
  for (const f of frame.flights) {
    const s = D.sites[f.site];
    if (!s) continue;
    const [x, y] = place(s.lat, s.lon);
    svg.appendChild(el("circle", {cx: x, cy: y, r: 7, fill: "none", stroke: color(f.agency),
      "stroke-width": 2, "stroke-dasharray": f.result === "success" ? "" : "2 2"}));
  }
}
function drawChart() {
  const svg = $("chart");
  svg.replaceChildren();
  const agencies = Object.keys(D.agencies);
  let top = 1, bottom = 0;
  for (const f of D.frames) {
    for (const a of agencies) {
      top = Math.max(top, f.agencies[a].prestige);
      bottom = Math.min(bottom, f.agencies[a].prestige);
    }
  }
  const x = (i) => 40 + 590 * i / Math.max(1, last);
  const y = (v) => 220 - 200 * (v - bottom) / (top - bottom);
  svg.appendChild(el("line", {x1: 40, y1: y(0), x2: 630, y2: y(0), stroke: "#555c70"}));
  svg.appendChild(el("text", {x: 36, y: 24, fill: "#8a94b0", "font-size": 10,
    "text-anchor": "end"}, String(top)));
  svg.appendChild(el("text", {x: 36, y: y(0) + 2, fill: "#8a94b0", "font-size": 10,
    "text-anchor": "end"}, "0"));
  if (bottom < 0 && y(0) < 208) {
    svg.appendChild(el("text", {x: 36, y: 222, fill: "#8a94b0", "font-size": 10,
      "text-anchor": "end"}, String(bottom)));
  }
  svg.appendChild(el("text", {x: 44, y: 14, fill: "#8a94b0", "font-size": 10}, "prestige"));
  svg.appendChild(el("text", {x: 40, y: 234, fill: "#8a94b0", "font-size": 10},
    D.frames[0].date));
  svg.appendChild(el("text", {x: 630, y: 234, fill: "#8a94b0", "font-size": 10,
    "text-anchor": "end"}, D.frames[last].date));
  for (const a of agencies) {
    const points = D.frames.map((f, i) => `${x(i)},${y(f.agencies[a].prestige)}`).join(" ");
    svg.appendChild(el("polyline", {points, fill: "none", stroke: color(a),
      "stroke-width": 2}));
  }
  svg.appendChild(el("line", {id: "now", x1: x(at), y1: 14, x2: x(at), y2: 220,
    stroke: "#ffffff", "stroke-opacity": 0.5}));
}
function show(i) {
  at = Math.max(0, Math.min(last, i));
  const f = D.frames[at];
  $("timeline").value = at;
  $("date").textContent = `${f.date} (turn ${f.turn})`;
  drawMoon(f);
  const now = $("now");
  const xs = 40 + 590 * at / Math.max(1, last);
  now.setAttribute("x1", xs); now.setAttribute("x2", xs);
  const winners = at === last && D.outcome ? D.outcome.winners : [];
  const rows = Object.entries(f.agencies).sort((p, q) => q[1].standing - p[1].standing);
  const table = $("standings");
  table.replaceChildren();
  const head = table.insertRow();
  for (const h of ["agency", "bot", "standing", "prestige", "support", "flights", "failures"]) {
    const th = document.createElement("th"); th.textContent = h; head.appendChild(th);
  }
  for (const [a, s] of rows) {
    const row = table.insertRow();
    const cell = row.insertCell();
    const swatch = document.createElement("span");
    swatch.className = "swatch"; swatch.style.background = color(a);
    cell.appendChild(swatch);
    cell.appendChild(document.createTextNode(name(a) + (winners.includes(a) ? " - wins" : "")));
    if (winners.includes(a)) cell.className = "win";
    for (const v of [D.bots[a] || "", (s.standing / 10).toFixed(1) + "%", s.prestige,
                     s.support, s.flights, s.failures]) {
      row.insertCell().textContent = v;
    }
  }
  const own = $("own");
  own.replaceChildren();
  if (f.me) {
    const h = document.createElement("h2");
    h.textContent = `${name(D.perspective)}: $${f.me.treasury}M in the treasury, ` +
      `$${f.me.income}M a turn`;
    own.appendChild(h);
    const list = document.createElement("ul"); list.className = "news";
    for (const p of f.me.programs) li(list, `${p.name}: ${p.phase}, $${p.paid}M of $${p.cost}M`);
    own.appendChild(list);
  }
  const news = $("news"); news.replaceChildren();
  for (const n of f.news) li(news, n.text, n.agency);
  if (!f.news.length) li(news, at === 0 ? "The match begins." : "No news this turn.");
  const flights = $("flights"); flights.replaceChildren();
  for (const fl of f.flights) {
    const site = (D.sites[fl.site] || {name: fl.site}).name;
    li(flights, `${fl.name} (${name(fl.agency)}) to ${site}: ${fl.result}` +
      (fl.crew ? `, crew of ${fl.crew}` : ""), fl.agency);
  }
  if (!f.flights.length) li(flights, "No flights.");
}
function play() {
  if (timer) { clearInterval(timer); timer = null; $("play").textContent = "play"; return; }
  if (at === last) show(0);
  $("play").textContent = "pause";
  timer = setInterval(() => { if (at >= last) play(); else show(at + 1); }, 600);
}
$("title").textContent = `${D.title}: seed ${D.seed}`;
const seen = D.perspective ? `as ${name(D.perspective)} saw it` : "the public view";
const ending = D.outcome ? `${D.outcome.termination.replace(/_/g, " ")}, won by ` +
  (D.outcome.winners.map(name).join(", ") || "nobody") : "unfinished";
$("subtitle").textContent = `${last} turns, ${seen}; ${ending}`;
$("timeline").max = last;
$("timeline").addEventListener("input", (e) => show(Number(e.target.value)));
$("first").addEventListener("click", () => show(0));
$("back").addEventListener("click", () => show(at - 1));
$("next").addEventListener("click", () => show(at + 1));
$("last").addEventListener("click", () => show(last));
$("play").addEventListener("click", play);
document.addEventListener("keydown", (e) => {
  if (e.key === "ArrowLeft") show(at - 1);
  if (e.key === "ArrowRight") show(at + 1);
});
drawChart();
show(Number(new URLSearchParams(location.search).get("turn") || last));
"""


def replay_page(replay: Replay, perspective: str | None = None) -> str:
    """The replay as one HTML page (see the module docstring)."""
    data = replay_frames(replay, perspective)
    title = f"Lunar Race replay: seed {replay.seed}"
    return page(title, REPLAY_BODY, data, REPLAY_SCRIPT)


# -- a tournament ---------------------------------------------------------------------------


def crosstable(records: Sequence[GameRecord]) -> dict[str, dict[str, tuple[int, int]]]:
    """For each bot and each other bot: on how many boards it scored more than the other,
    and on how many boards both played. A board is one agency's seat in one block of games
    (the same match seed), played by different bots."""
    boards: dict[tuple[int, str], dict[str, float]] = {}
    for record in records:
        for seat in record.seats:
            boards.setdefault((record.seed, seat.agency), {})[seat.bot] = seat.score
    table: dict[str, dict[str, tuple[int, int]]] = {}
    for scores in boards.values():
        for bot, score in scores.items():
            for other, theirs in scores.items():
                if other == bot:
                    continue
                ahead, met = table.setdefault(bot, {}).get(other, (0, 0))
                table[bot][other] = (ahead + (score > theirs), met + 1)
    return table


def tournament_page(
    plan: Mapping[str, Any],
    bots: Sequence[BotStanding],
    agencies: Sequence[AgencyRow],
    records: Sequence[GameRecord],
    replay_links: Mapping[int, str],
) -> str:
    """The leaderboard, the crosstable, the agencies and every game, as one HTML page."""
    e = html.escape
    names = [b.bot for b in bots]
    cross = crosstable(records)
    parts = [
        "<header><h1>Lunar Race tournament</h1>",
        f'<div class="muted">{len(records)} games, bots {e(", ".join(plan.get("bots", [])))}'
        f", seed {e(str(plan.get('seed')))}, scenario {e(str(plan.get('scenario')))}</div>",
        "</header><main>",
        "<h2>Leaderboard</h2><table><tr><th>#</th><th class='l'>bot</th><th>rating</th>"
        "<th>95% interval</th><th>seats</th><th>wins</th><th>win rate</th>"
        "<th>mean score</th><th>vs par</th><th>faults</th><th>ms/decision</th></tr>",
    ]
    for n, b in enumerate(bots, start=1):
        parts.append(
            f"<tr><td>{n}</td><td class='l'>{e(b.bot)}</td><td>{b.mu:.2f}</td>"
            f"<td>[{b.rating_low:.2f}, {b.rating_high:.2f}]</td><td>{b.seats}</td>"
            f"<td>{b.wins}</td><td>{b.win_rate:.1%}</td><td>{b.mean_score:.1f}</td>"
            f"<td>{b.vs_par:+.1f}</td><td>{b.faults}</td><td>{b.think_ms:.1f}</td></tr>"
        )
    parts.append("</table>")
    parts.append(
        "<h2>Crosstable</h2><div class='muted'>Boards on which the row's bot scored more "
        "than the column's, of the boards both played (the same agency on the same seed)."
        "</div><table><tr><th></th>" + "".join(f"<th>{e(name)}</th>" for name in names) + "</tr>"
    )
    for bot in names:
        cells = []
        for other in names:
            ahead, met = cross.get(bot, {}).get(other, (0, 0))
            if other == bot or not met:
                cells.append("<td>-</td>")
                continue
            kind = "good" if ahead * 2 > met else "bad" if ahead * 2 < met else ""
            cells.append(f'<td class="{kind}">{ahead}/{met} ({ahead / met:.0%})</td>')
        parts.append(f"<tr><td>{e(bot)}</td>{''.join(cells)}</tr>")
    parts.append("</table>")
    parts.append(
        "<h2>Agencies</h2><table><tr><th>agency</th><th>games</th><th>wins</th>"
        "<th>win rate</th><th>95% interval</th><th>mean score</th></tr>"
    )
    for a in agencies:
        parts.append(
            f"<tr><td>{e(a.agency)}</td><td>{a.games}</td><td>{a.wins}</td>"
            f"<td>{a.win_rate:.1%}</td><td>[{a.win_low:.1%}, {a.win_high:.1%}]</td>"
            f"<td>{a.mean_score:.1f}</td></tr>"
        )
    parts.append("</table><h2>Games</h2>")
    if not replay_links:
        parts.append('<div class="muted">Play with --replays DIR to link each game.</div>')
    parts.append(
        "<table><tr><th>game</th><th>seed</th><th>turns</th><th class='l'>end</th>"
        "<th class='l'>winners</th><th class='l'>seats</th><th>replay</th></tr>"
    )
    for r in records:
        seats = ", ".join(f"{s.agency} {s.bot}" for s in r.seats)
        link = replay_links.get(r.game)
        cell = f'<a href="{e(link)}">watch</a>' if link else ""
        parts.append(
            f"<tr><td>{r.game}</td><td>{r.seed}</td><td>{r.turns}</td>"
            f"<td class='l'>{e(r.termination)}</td><td class='l'>{e(', '.join(r.winners))}</td>"
            f"<td class='l'>{e(seats)}</td><td>{cell}</td></tr>"
        )
    parts.append("</table></main>")
    return page("Lunar Race tournament", "\n".join(parts))


def write_replay_pages(
    replays: Path, records: Sequence[GameRecord], beside: Path
) -> dict[int, str]:
    """Write an HTML page next to each game's replay in `replays` (once), and return links
    to them relative to the folder of `beside`, by game number."""
    from game.replay import ReplayError, read_replay

    links: dict[int, str] = {}
    for record in records:
        source = replays / f"game-{record.game:05d}.jsonl.gz"
        target = source.with_name(f"game-{record.game:05d}.html")
        if not target.exists():
            if not source.exists():
                continue
            try:
                target.write_text(replay_page(read_replay(source)), encoding="utf-8")
            except (OSError, ReplayError):
                continue
        links[record.game] = _relative(target, beside.parent)
    return links


def _relative(target: Path, folder: Path) -> str:
    try:
        return target.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return target.resolve().as_uri()

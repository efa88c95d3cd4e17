"""Reading a view for the screens: numbers for the top bar, markers for the Moon, tech states,
the turn report, order summaries, score tables and chart series.

Every place the client looks inside the rules' view dict is in this module, so the screens
speak in game terms (an agency's prestige, a station's crew) and the shape of the view is
written down once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pygame

from game.client import theme
from game.client.charts import draw_line_chart
from game.client.match import MatchModel
from game.client.moon_view import CRASH, FLIGHT, LANDING, ROVER, SITE, STATION, Marker
from game.client.techtree import TechStatus
from game.client.theme import Fonts
from game.client.widgets import escape, hex_colour
from game.rules import PRESTIGE_CATEGORIES, Content, Research

Tip = Callable[[pygame.Rect, str], None]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def agency_colours(content: Content) -> dict[str, tuple[int, int, int]]:
    """The scenario's own agency colours (its `color = "#rrggbb"` entries)."""
    out = {}
    for aid, agency in content.agencies.items():
        colour = agency.color.lstrip("#")
        if len(colour) == 6:
            out[aid] = (int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16))
    return out


# -- the agency's own numbers ---------------------------------------------------------------
def me(view: Mapping[str, Any]) -> dict[str, Any]:
    return _dict(view.get("me"))


def public_agencies(view: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Public facts per agency (name, prestige and its categories, support, flights)."""
    return {k: _dict(v) for k, v in _dict(view.get("agencies")).items()}


def intel(view: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: _dict(v) for k, v in _dict(view.get("intel")).items()}


def number(data: dict[str, Any], *names: str) -> float | None:
    for name in names:
        value = data.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def agency_value(model: MatchModel, agency: str, *names: str) -> float | None:
    """A number about an agency as this seat knows it: its own, public, or an estimate."""
    return value_in(model.view, model.seat, agency, *names)


def value_in(view: Mapping[str, Any], seat: str | None, agency: str, *names: str) -> float | None:
    if agency == seat:
        value = number(me(view), *names)
        if value is not None:
            return value
    public = public_agencies(view).get(agency, {})
    value = number(public, *names)
    if value is None:
        value = number(_dict(public.get("score")), *names)
    if value is not None:
        return value
    return number(intel(view).get(agency, {}), *names)


# -- the top bar ----------------------------------------------------------------------------
def draw_top_bar(
    surface: pygame.Surface,
    rect: pygame.Rect,
    fonts: Fonts,
    model: MatchModel,
    add_tip: Tip,
    *,
    replay: bool,
    session: Any,
) -> None:
    pygame.draw.rect(surface, (12, 17, 31), rect)
    pygame.draw.line(surface, theme.PANEL_EDGE, rect.bottomleft, rect.bottomright)
    pad = round(12 * fonts.scale)
    x = rect.x + pad
    cy = rect.centery
    seat = model.seat
    colour = theme.agency_colour(seat)
    name = fonts.render(model.agency_name(seat), 20, colour, bold=True)
    surface.blit(name, name.get_rect(midleft=(x, cy)))
    add_tip(
        name.get_rect(midleft=(x, cy)),
        f"{model.agency_name(seat)}\n"
        + (_agency_note(model, seat) if seat else "Watching: the public view only."),
    )
    x += name.get_width() + pad * 2
    last = model.view.get("last_turn")
    limit = int(last) + 1 if isinstance(last, int) else model.content.rule("time").turns
    shown = min(model.turn, limit - 1) + 1
    date = f"{model.view.get('date', model.date())}  -  turn {shown} of {limit}"
    img = fonts.render(date, 15, theme.TEXT, bold=True)
    surface.blit(img, img.get_rect(midleft=(x, cy)))
    add_tip(
        img.get_rect(midleft=(x, cy)),
        "Date\nEach turn is half a year; every agency plans at once, then the turn resolves.",
    )
    x += img.get_width() + pad * 2
    if seat is not None:
        for label_text, keys, tip, money in (
            (
                "Treasury",
                ("treasury", "money", "cash"),
                "Money available this turn ($M).\nUnspent money carries over, up to a cap.",
                True,
            ),
            (
                "Budget",
                ("budget", "income"),
                "Yearly budget ($M): a base plus political support.",
                True,
            ),
            (
                "Prestige",
                ("prestige",),
                "Prestige: firsts, science, stations, reliability, and your objectives.",
                False,
            ),
            (
                "Standing",
                ("standing",),
                "Your share of all the prestige earned, over your budget's share of the "
                "field's means (100% = what your budget's share would earn). The best "
                "standing wins at the end.",
                False,
            ),
            (
                "Support",
                ("support",),
                "Political support (0-100): moves the budget at each yearly review.",
                False,
            ),
            ("Science", ("science",), "Science returned so far by missions and stations.", False),
        ):
            value = agency_value(model, seat, *keys)
            if value is None:
                continue
            text = f"${value:,.0f}M" if money else f"{value:,.0f}"
            if label_text == "Standing":
                text = f"{value / 10:.0f}%"
            small = fonts.render(label_text, 11, theme.MUTED)
            big = fonts.render(text, 16, theme.TEXT, bold=True)
            surface.blit(small, (x, rect.y + pad // 3))
            surface.blit(big, (x, rect.y + pad // 3 + small.get_height()))
            width = max(small.get_width(), big.get_width())
            add_tip(pygame.Rect(x, rect.y, width, rect.height), f"{label_text}: {text}\n{tip}")
            x += width + pad * 2
    right = rect.right - pad
    if replay:
        length = getattr(session, "length", 0)
        pos = getattr(session, "position", 0)
        text = f"Replay  {pos + 1}/{length}  as {model.agency_name(seat)}"
        img = fonts.render(text, 15, theme.ACCENT, bold=True)
        surface.blit(img, img.get_rect(midright=(right, cy)))
        add_tip(
            img.get_rect(midright=(right, cy)),
            "Replay\nPageUp/PageDown step, V changes whose view you watch.",
        )
        return
    left = model.seconds_left()
    if model.outcome is not None:
        timer, tcol = "Match over", theme.ACCENT
    elif left is None or left > 86400:
        timer, tcol = "No time limit", theme.MUTED
    else:
        minutes, seconds = divmod(int(left), 60)
        timer = f"{minutes}:{seconds:02d}"
        tcol = theme.BAD if left < 20 else theme.TEXT
    img = fonts.render(timer, 17, tcol, bold=True)
    spot = img.get_rect(midright=(right, cy))
    surface.blit(img, spot)
    add_tip(
        spot,
        "Turn deadline\nWhen it runs out, seats without final orders keep the "
        "orders on file (the AI plays a seat with none).",
    )
    x = spot.x - pad
    for seat_info in reversed(model.seats):
        agency = seat_info.get("agency", "")
        done = bool(seat_info.get("submitted"))
        r = round(7 * fonts.scale)
        centre = (x - r, cy)
        pygame.draw.circle(surface, theme.agency_colour(agency), centre, r, 0 if done else 2)
        state = "has ended the turn" if done else "is planning"
        if not seat_info.get("connected", True) and seat_info.get("control") == "human":
            state += " (away: the AI stands in)"
        who = seat_info.get("player") or seat_info.get("control", "")
        add_tip(
            pygame.Rect(centre[0] - r, cy - r, 2 * r, 2 * r),
            f"{model.agency_name(agency)} ({who}) {state}",
        )
        x -= 2 * r + round(6 * fonts.scale)


def standing_now(view: Mapping[str, Any], agency: str) -> str:
    """An agency's standing so far, as a percentage (100% = its means' share of the prestige)."""
    value = _dict(public_agencies(view).get(agency)).get("standing")
    return f"{value / 10:.0f}%" if isinstance(value, (int, float)) else "-"


OBJECTIVE_MARKS = {"met": "met", "open": "open", "missed": "missed"}


def objectives(view: Mapping[str, Any], agency: str | None = None) -> list[dict[str, Any]]:
    """The public objectives in a view, of one agency or of all."""
    return [
        o
        for o in _list(view.get("objectives"))
        if isinstance(o, dict) and (agency is None or o.get("agency") == agency)
    ]


def objective_html(objective: Mapping[str, Any], *, who: str = "") -> str:
    """One objective as a line: its state, name, deadline and reward."""
    status = str(objective.get("status", "open"))
    colour = {"met": theme.GOOD, "missed": theme.BAD}.get(status, theme.MUTED)
    prefix = f"{escape(who)}: " if who else ""
    return (
        f"<font color='{hex_colour(colour)}'><b>{OBJECTIVE_MARKS.get(status, status)}</b></font> "
        f"{prefix}{escape(str(objective.get('name', '')))} "
        f"<font color='#8a96ad'>by {objective.get('by', '?')}, "
        f"+{objective.get('prestige', 0)} prestige</font>"
    )


def _agency_note(model: MatchModel, agency: str) -> str:
    known = model.content.agencies.get(agency)
    return known.note if known is not None else ""


# -- the Moon -------------------------------------------------------------------------------
def moon_markers(model: MatchModel) -> tuple[list[Marker], list[Marker]]:
    """Markers for the sites and everything that happened on and around the Moon."""
    content = model.content
    view = model.view
    markers: list[Marker] = []
    for sid, site in content.sites.items():
        where = "south pole" if site.south_pole else ("far side" if site.far_side else "near side")
        tip = (
            f"{site.name}\n{abs(site.lat):.1f}{'S' if site.lat < 0 else 'N'} "
            f"{abs(site.lon):.1f}{'W' if site.lon < 0 else 'E'}, {where}\n"
            f"Ice {['none', 'traces', 'likely', 'rich'][min(3, site.ice)]}, "
            f"sunlight {site.sunlight:.0%}, science x{site.science:g}\n{site.note}"
        )
        markers.append(Marker(SITE, site.lat, site.lon, (theme.TEXT,), site.name, tip, sid))
    # One marker per site, kind and agency; its tooltip lists every flight behind it.
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for raw in _list(view.get("flights")):
        flight = _dict(raw)
        landed = content.sites.get(str(flight.get("site", "")))
        if landed is None:
            continue
        owner = str(flight.get("agency", ""))
        mtype = str(flight.get("mission_type", ""))
        ok = flight.get("result") == "success"
        kind = (ROVER if "rover" in mtype or "hopper" in mtype else LANDING) if ok else CRASH
        name = str(flight.get("name", mtype))
        when = content.date(int(flight.get("turn", 0)))
        outcome = "succeeded" if ok else f"failed during {flight.get('failed_step') or 'flight'}"
        partners = [model.agency_name(str(a)) for a in _list(flight.get("partners"))]
        line = (
            f"{when}: {name} ({model.agency_name(owner)}), "
            f"{_mission_name(content, mtype).lower()} {outcome}"
            + (f", with {', '.join(partners)}" if partners else "")
            + (" - the crew was lost" if flight.get("crew_lost") else "")
        )
        grouped.setdefault((landed.id, kind, owner), []).append(line)
    for (sid, kind, owner), lines in grouped.items():
        site = content.sites[sid]
        title = {LANDING: "Landed", ROVER: "Roving", CRASH: "Lost"}[kind]
        tip = f"{title} at {site.name}\n" + "\n".join(lines[-8:])
        if len(lines) > 8:
            tip += f"\n(and {len(lines) - 8} earlier)"
        markers.append(
            Marker(kind, site.lat, site.lon, (theme.agency_colour(owner),), site.name, tip, sid)
        )
    orbit: list[Marker] = []
    for station in stations(view):
        owners = _owners(station)
        colours = tuple(theme.agency_colour(a) for a in owners) or (theme.TEXT,)
        tip = station_tip(model, station)
        name = str(station.get("name", station.get("id", "station")))
        base = content.sites.get(str(station.get("site", "orbit")))
        if base is None:
            orbit.append(Marker(STATION, 0.0, 0.0, colours, name, tip))
        else:
            markers.append(Marker(STATION, base.lat, base.lon, colours, name, tip, base.id))
    for program in flights(model):
        target = content.sites.get(str(program.get("site", "")))
        if target is None:
            continue
        owner = str(program.get("agency", model.seat or ""))
        name = str(program.get("name", program.get("id", "mission")))
        markers.append(
            Marker(
                FLIGHT,
                site.lat,
                site.lon,
                (theme.agency_colour(owner),),
                name,
                f"{name}: launching this turn for {target.name}",
                target.id,
            )
        )
    return markers, orbit


def _mission_name(content: Content, mtype: str) -> str:
    mission = content.missions.get(mtype)
    return mission.name if mission is not None else mtype.replace("_", " ")


def flights(model: MatchModel) -> list[dict[str, Any]]:
    """Programs ordered to launch this turn: on their way once the turn resolves."""
    launching = {getattr(c, "program", "") for c in model.draft if c.KIND == "launch"}
    return [p for p in programs(model) if p.get("id") in launching]


def _owners(station: dict[str, Any]) -> list[str]:
    owners = station.get("owners", station.get("shares", {}))
    if isinstance(owners, dict):
        return [a for a, _s in sorted(owners.items(), key=lambda kv: -float(kv[1]))]
    return [str(a) for a in _list(owners)]


def station_tip(model: MatchModel, station: dict[str, Any]) -> str:
    name = str(station.get("name", station.get("id", "station")))
    site = model.content.sites.get(str(station.get("site", "")))
    lines = [f"{name} ({site.name if site is not None else 'lunar orbit'})"]
    shares = _dict(station.get("shares"))
    if shares:
        lines.append(
            "Owners: "
            + ", ".join(f"{model.agency_name(a)} {float(v):.0%}" for a, v in shares.items())
        )
    modules = [str(_list(m)[0]) for m in _list(station.get("modules")) if _list(m)]
    if modules:
        names = [
            model.content.modules[m].name if m in model.content.modules else m for m in modules
        ]
        lines.append(f"Modules ({len(names)}): {', '.join(names)}")
    crew = [
        f"{model.agency_name(str(c[0]))} x{c[1]}"
        for c in _list(station.get("crew"))
        if isinstance(c, list) and len(c) >= 2
    ]
    lines.append(
        f"Crew: {station.get('crew_count', 0)} of {station.get('capacity', 0)}"
        + (f" ({', '.join(crew)})" if crew else "")
    )
    lines.append(f"Supplies: {station.get('supplies', 0)} of {station.get('storage', 0)}")
    lines.append(
        f"Crewed {station.get('crewed_turns', 0)} turns in a row; access: "
        f"{station.get('access', '?')}"
    )
    return "\n".join(lines)


# -- programs, techs ------------------------------------------------------------------------
def programs(model: MatchModel) -> list[dict[str, Any]]:
    """The seat's programs (its own and those it is a partner in)."""
    return [{"id": k, **_dict(v)} for k, v in _dict(model.view.get("programs")).items()]


def tech_status(model: MatchModel) -> dict[str, TechStatus]:
    """Each tech's state for the tree, from the seat's own research (public: all locked)."""
    content = model.content
    techs = _dict(me(model.view).get("techs"))
    planned: dict[str, int] = {}
    for order in model.draft:
        if isinstance(order, Research):
            planned[order.tech] = planned.get(order.tech, 0) + order.amount
    out = {}
    for tid, tech in content.techs.items():
        info = _dict(techs.get(tid))
        status = info.get("status", "locked")
        cost = info.get("cost") or tech.cost
        paid = info.get("paid", 0)
        out[tid] = TechStatus(
            known=status == "known",
            progress=min(1.0, float(paid) / float(cost)) if cost else 0.0,
            reliability=float(info.get("reliability", 0.0)),
            cap=tech.cap,
            available=status in ("known", "available"),
            planned=planned.get(tid, 0),
        )
    return out


# -- events and the turn report -------------------------------------------------------------
BAD_WORDS = (
    "fail",
    "crash",
    "lost",
    "declin",
    "broke",
    "scrub",
    "cut",
    "reject",
    "abort",
    "trim",
    "expired",
    "evacuat",
    "tragedy",
)
GOOD_WORDS = (
    "success",
    "succeed",
    "first",
    "landed",
    "signed",
    "accepted",
    "complete",
    "reached",
    "learned",
    "launched",
)


def event_colour(event: Mapping[str, Any]) -> tuple[int, int, int]:
    text = f"{event.get('kind', '')} {event.get('text', '')}".lower()
    if any(w in text for w in BAD_WORDS):
        return theme.BAD
    if any(w in text for w in GOOD_WORDS):
        return theme.GOOD
    return theme.TEXT


def event_html(event: Mapping[str, Any], model: MatchModel) -> str:
    colour = hex_colour(event_colour(event))
    agency = event.get("agency")
    who = ""
    name = model.agency_name(str(agency)) if agency else ""
    if agency and not str(event.get("text", "")).startswith(name):
        who = (
            f"<font color='{hex_colour(theme.agency_colour(str(agency)))}'>"
            f"<b>{escape(name)}</b></font> "
        )
    text = f"{who}<font color='{colour}'>{escape(str(event.get('text', event.get('kind'))))}</font>"
    steps = _list(_dict(event.get("data")).get("steps"))
    if event.get("kind") == "mission_flown" and steps:
        parts = []
        for step in steps:
            if isinstance(step, list) and len(step) >= 3:
                mark = "ok" if step[2] else "FAILED"
                tint = "#5ed68c" if step[2] else "#f06060"
                parts.append(
                    f"<font color='{tint}'>{escape(str(step[0]))} {mark}</font>"
                    f" <font color='#8a96ad'>({float(step[1]):.0%})</font>"
                )
        text += "<br>&nbsp;&nbsp;&nbsp;" + " &gt; ".join(parts)
    return text


def prestige_changes(model: MatchModel, turn_index: int) -> list[tuple[str, float, str]]:
    """(agency, change) in public prestige between the turn before and this one."""
    if turn_index < 1 or turn_index >= len(model.history):
        return []
    before = model.history[turn_index - 1].view
    after = model.history[turn_index].view
    out = []
    for agency, now in public_agencies(after).items():
        then = public_agencies(before).get(agency, {})
        a, b = number(now, "prestige"), number(then, "prestige")
        if a is not None and b is not None and a != b:
            out.append(
                (agency, a - b, _score_delta(_dict(then.get("score")), _dict(now.get("score"))))
            )
    return sorted(out, key=lambda x: -x[1])


def _score_delta(before: dict[str, Any], after: dict[str, Any]) -> str:
    parts = []
    for key, value in after.items():
        delta = int(value) - int(before.get(key, 0))
        if delta:
            parts.append(f"{key} {delta:+d}")
    return ", ".join(parts)


def report_html(model: MatchModel, turn: int) -> str:
    """What happened in the turn that led to `turn`, most personal first."""
    index = next((n for n, r in enumerate(model.history) if r.turn == turn), len(model.history) - 1)
    if index < 0:
        return "<i>Nothing yet.</i>"
    events = model.history[index].events
    parts = []
    mine = [e for e in events if e.get("agency") == model.seat]
    others = [e for e in events if e.get("agency") != model.seat]
    if mine:
        parts.append("<b>Your agency</b>")
        parts.extend(event_html(e, model) for e in mine)
    changes = prestige_changes(model, index)
    if changes:
        parts.append("<br><b>Prestige</b>")
        for agency, delta, why in changes:
            colour = hex_colour(theme.GOOD if delta > 0 else theme.BAD)
            parts.append(
                f"{escape(model.agency_name(agency))}: <font color='{colour}'>{delta:+,.0f}</font>"
                f" <font color='#8a96ad'>({escape(why)})</font>"
            )
    if others:
        parts.append("<br><b>The world</b>")
        parts.extend(event_html(e, model) for e in others)
    if model.outcome is not None and index == len(model.history) - 1:
        winners = ", ".join(model.agency_name(a) for a in model.outcome.get("winners", []))
        parts.append(
            f"<br><font color='#f0c060'><b>The match is over. Winner: {escape(winners)}</b></font>"
        )
    return "<br>".join(parts) or "<i>A quiet half-year.</i>"


# -- orders ---------------------------------------------------------------------------------
def orders_summary(model: MatchModel) -> list[tuple[str, tuple[int, int, int]]]:
    if model.seat is None:
        ended = [s["agency"] for s in model.seats if s.get("submitted")]
        first = f"Watching: {len(ended)} of {len(model.seats)} agencies have ended the turn"
        if model.outcome is not None:
            return [
                (first, theme.TEXT),
                ("The match is over: Enter shows the final scores.", theme.ACCENT),
            ]
        return [
            (first, theme.TEXT),
            ("Spectators see the public view and give no orders.", theme.MUTED),
        ]
    treasury = number(me(model.view), "treasury", "money", "cash")
    spend = model.spending()
    first = f"{len(model.draft)} orders, ${spend:,}M committed"
    if treasury is not None:
        first += f" of ${treasury:,.0f}M"
    colour = theme.BAD if treasury is not None and spend > treasury else theme.TEXT
    if model.outcome is not None:
        second = ("The match is over: Enter shows the final scores.", theme.ACCENT)
    elif model.problems:
        second = (
            f"{len(model.problems)} problem(s): {model.problems[0].get('message', '')}",
            theme.BAD,
        )
    elif model.final:
        second = ("Turn ended: waiting for the others (E takes it back).", theme.GOOD)
    elif not model.draft_checked:
        second = ("Checking the orders with the server...", theme.MUTED)
    else:
        second = ("Orders check out. Press E to end the turn.", theme.MUTED)
    return [(first, colour), second]


def orders_tooltip(model: MatchModel) -> str:
    if not model.draft:
        return "Orders\nNo orders yet: fund research and missions in the panels."
    lines = ["Orders this turn"]
    for n, order in enumerate(model.draft):
        problem = next((p for p in model.problems if p.get("index") == n), None)
        lines.append(f"{n + 1}. {order}" + (f"  - {problem['message']}" if problem else ""))
    return "\n".join(lines)


# -- the end: scores and charts -------------------------------------------------------------
def score_rows(outcome: dict[str, Any]) -> list[tuple[str, int, dict[str, int]]]:
    rows = []
    for agency, score in _dict(outcome.get("scores")).items():
        if isinstance(score, dict):
            total = int(score.get("total", 0))
            breakdown = _dict(score.get("breakdown")) or {
                k: v for k, v in score.items() if k != "total"
            }
        else:
            total, breakdown = int(score), {}
        rows.append(
            (
                str(agency),
                total,
                {k: int(v) for k, v in breakdown.items() if isinstance(v, (int, float))},
            )
        )
    standings = _dict(outcome.get("standings"))
    return sorted(rows, key=lambda r: (-standings.get(r[0], 0), -r[1]))


def standing_text(outcome: dict[str, Any], agency: str) -> str:
    """An agency's final standing as a percentage: its share of the prestige earned over its
    share of the field's means."""
    thousandths = _dict(outcome.get("standings")).get(agency)
    return f"{thousandths / 10:.1f}%" if isinstance(thousandths, (int, float)) else "-"


def score_parts(outcome: dict[str, Any]) -> list[str]:
    """The score's categories in the rules' order, whatever order the outcome's keys came in
    (a replay file's differ from the server's message)."""
    found = {key for _agency, _total, breakdown in score_rows(outcome) for key in breakdown}
    ordered = [c for c in PRESTIGE_CATEGORIES if c in found]
    return ordered + sorted(found - set(ordered))


SCORE_TIPS = {
    "firsts": "Milestones reached: the first to a milestone earns the most.",
    "science": "Science returned by missions and stations.",
    "stations": "Station modules assembled and turns crewed, shared by owners.",
    "reliability": "Successful flights, weighted by the success rate.",
    "diplomacy": "Treaties signed and partnerships kept.",
    "penalties": "Failures, lost crews and broken treaties.",
}


def score_tip(agency: str, part: str, breakdown: dict[str, int]) -> str:
    return f"{part.replace('_', ' ').title()}: {breakdown.get(part, 0):+,}\n" + SCORE_TIPS.get(
        part, ""
    )


def chart_series(model: MatchModel) -> dict[str, dict[str, list[float | None]]]:
    """Per chart, per agency, the value at each recorded turn (None where unknown)."""
    agencies: list[str] = []
    for record in model.history:
        for agency in public_agencies(record.view):
            if agency not in agencies:
                agencies.append(agency)
    if not agencies:
        agencies = list(model.content.agencies)
    out: dict[str, dict[str, list[float | None]]] = {"prestige": {}, "budget": {}, "science": {}}
    keys = {"prestige": ("prestige",), "budget": ("budget",), "science": ("science",)}
    for chart, names in keys.items():
        for agency in agencies:
            line = [value_in(r.view, model.seat, agency, *names) for r in model.history]
            if any(v is not None for v in line):
                out[chart][agency] = line
    return out


def draw_chart(
    surface: pygame.Surface,
    rect: pygame.Rect,
    fonts: Fonts,
    model: MatchModel,
    title: str,
    series: dict[str, list[float | None]],
    add_tip: Tip,
) -> None:
    first = model.history[0].turn if model.history else 0
    draw_line_chart(
        surface,
        rect,
        fonts,
        title,
        {model.agency_name(a): v for a, v in series.items()},
        x_label=lambda i: model.content.date(first + i).replace(" H1", "").replace(" H2", "½"),
        colour_of=lambda name: theme.agency_colour(_agency_by_name(model, name)),
        add_tip=add_tip,
    )


def _agency_by_name(model: MatchModel, name: str) -> str:
    for aid, agency in model.content.agencies.items():
        if agency.name == name:
            return aid
    return name


def draw_charts(
    surface: pygame.Surface, rect: pygame.Rect, fonts: Fonts, model: MatchModel, add_tip: Tip
) -> None:
    """The three history charts side by side inside `rect` (the charts window)."""
    pygame.draw.rect(surface, theme.BACKGROUND, rect, border_radius=8)
    pygame.draw.rect(surface, theme.ACCENT, rect, 2, 8)
    pad = round(12 * fonts.scale)
    inner = rect.inflate(-2 * pad, -2 * pad)
    inner.height -= round(50 * fonts.scale)
    w = (inner.width - 2 * pad) // 3
    series = chart_series(model)
    for n, (key, title) in enumerate(
        (
            ("prestige", "Prestige"),
            ("budget", "Budget ($M/yr, rivals estimated)"),
            ("science", "Science"),
        )
    ):
        draw_chart(
            surface,
            pygame.Rect(inner.x + n * (w + pad), inner.y, w, inner.height),
            fonts,
            model,
            title,
            series[key],
            add_tip,
        )


# -- diplomacy and stations -----------------------------------------------------------------
def relations(model: MatchModel) -> list[tuple[str, int]]:
    """(agency, relations with the seat) from the seat's point of view, best first."""
    view = model.view
    seat = model.seat
    raw = view.get("relations")
    out: dict[str, int] = {}
    if isinstance(raw, dict):
        mine = raw.get(seat) if seat is not None else None
        if isinstance(mine, dict):
            out = {str(a): int(v) for a, v in mine.items() if a != seat}
        else:
            for key, value in raw.items():
                pair = key.split() if isinstance(key, str) else []
                if len(pair) == 2 and seat in pair and isinstance(value, (int, float)):
                    other = pair[0] if pair[1] == seat else pair[1]
                    out[other] = int(value)
    return sorted(out.items(), key=lambda kv: -kv[1])


def agreements(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"id": k, **_dict(v)} for k, v in _dict(view.get("agreements")).items()]


def blocs(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [g for g in agreements(view) if g.get("kind") == "bloc"]


def proposals(view: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(_dict(p).get("id")): _dict(p) for p in _list(view.get("proposals"))}


def proposal_text(model: MatchModel, info: dict[str, Any]) -> str:
    if not info:
        return ""
    sender = model.agency_name(str(info.get("sender", "?")))
    to = model.agency_name(str(info.get("to", "?")))
    what = str(info.get("treaty", "a proposal")).replace("_", " ")
    if info.get("bloc"):
        bloc = _dict(_dict(model.view.get("agreements")).get(str(info["bloc"])))
        # A bloc no longer in force (or not yet seen) still has its name in the scenario.
        known = model.content.blocs.get(str(info["bloc"]))
        fallback = known.name if known is not None else str(info["bloc"]).replace("_", " ")
        what = f"joining {bloc.get('name', fallback)}"
    if info.get("program"):
        program = _dict(_dict(model.view.get("programs")).get(str(info["program"])))
        mission = _dict(info.get("mission"))
        name = program.get("name") or mission.get("name") or "a program that has ended"
        what = f"a joint mission: {name}"
        if mission.get("site"):
            what += f" to {place_name(model, str(mission['site']))}"
    return f"{sender} to {to}: {what} (turn {int(info.get('turn', 0)) + 1})"


def place_name(model: MatchModel, sid: str) -> str:
    """Where a mission goes, in words: lunar orbit, a site, or a station by its name."""
    if sid == "orbit":
        return "lunar orbit"
    site = model.content.sites.get(sid)
    if site is not None:
        return site.name
    station = next((s for s in stations(model.view) if s.get("id") == sid), None)
    return str(station.get("name") or sid) if station is not None else sid


def treaties(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Agreements the seat is party to (treaties and blocs)."""
    seat = view.get("seat")
    return [g for g in agreements(view) if seat in _list(g.get("members"))]


def treaty_text(model: MatchModel, treaty: dict[str, Any]) -> str:
    name = str(treaty.get("name") or str(treaty.get("kind", "treaty")).replace("_", " "))
    members = [model.agency_name(str(a)) for a in _list(treaty.get("members")) if a != model.seat]
    text = name + (f" with {', '.join(members)}" if members else "")
    terms = [str(t).replace("_", " ") for t in _list(treaty.get("terms"))]
    return text + (f" - {', '.join(terms)}" if terms else "")


def stations(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    raw = view.get("stations")
    if isinstance(raw, dict):
        return [{"id": k, **_dict(v)} for k, v in raw.items()]
    return [_dict(s) for s in _list(raw)]

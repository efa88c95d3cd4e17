"""Reading a view for the screens: numbers for the top bar, markers for the Moon, tech states,
the turn report, order summaries, score tables and chart series.

Every place the client looks inside the rules' view dict is in this module, so the screens
speak in game terms (an agency's prestige, a station's crew) and the shape of the view is
written down once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pygame

from game.client import theme, wording
from game.client.charts import draw_line_chart
from game.client.match import MatchModel
from game.client.moon_view import CRASH, FLIGHT, LANDING, ROVER, SITE, STATION, Marker
from game.client.techtree import TechStatus
from game.client.theme import Fonts
from game.client.widgets import escape, hex_colour
from game.rules import PRESTIGE_CATEGORIES, Answer, Command, Content, Propose, Research

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


def own_tech(model: MatchModel, tid: str) -> dict[str, Any]:
    """The seat's own record of a technology (status, paid, cost, this turn's limit)."""
    return _dict(_dict(me(model.view).get("techs")).get(tid))


def treasury(model: MatchModel) -> int:
    return int(number(me(model.view), "treasury") or 0)


def service_price(model: MatchModel, service: str) -> float | None:
    return number(_dict(model.view.get("prices")), service)


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
                text, tip = _standing_item(model, seat, value, tip)
            small = fonts.render(label_text, 11, theme.MUTED)
            big = fonts.render(text, 16, theme.TEXT, bold=True)
            surface.blit(small, (x, rect.y + pad // 3))
            surface.blit(big, (x, rect.y + pad // 3 + small.get_height()))
            width = max(small.get_width(), big.get_width())
            add_tip(pygame.Rect(x, rect.y, width, rect.height), f"{label_text}: {text}\n{tip}")
            x += width + pad * 2
        met, still, listed = objectives_score(model, seat)
        if listed:
            small = fonts.render("Objectives", 11, theme.MUTED)
            big = fonts.render(f"{met} met, {still} open", 16, theme.TEXT, bold=True)
            surface.blit(small, (x, rect.y + pad // 3))
            surface.blit(big, (x, rect.y + pad // 3 + small.get_height()))
            width = max(small.get_width(), big.get_width())
            lines = [
                f"{o.get('status')}: {o.get('name')} by {o.get('by')}, +{o.get('prestige')}"
                for o in objectives(model.view, seat)
            ]
            add_tip(
                pygame.Rect(x, rect.y, width, rect.height),
                "Your public objectives (prestige when met)\n" + "\n".join(lines),
            )
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


def _standing_item(model: MatchModel, seat: str, value: float, tip: str) -> tuple[str, str]:
    """The top bar's standing: the percentage, the rank, and whom it is measured against."""
    rank, field, other = rank_of(model, seat)
    if not rank:
        return f"{value / 10:.0f}%", tip
    against = standing_now(model.view, other)
    who = model.agency_name(other)
    versus = f"runner-up {who} {against}" if rank == 1 else f"leader {who} {against}"
    return (
        f"{value / 10:.0f}%  {_place(rank)} of {field}",
        f"{tip}\nYou rank {_place(rank)} of {field}; {versus}.",
    )


def _place(rank: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(rank, f"{rank}th")


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


EFFECT_WORDS = {
    "mission_cost": "missions cost {pct} less",
    "crewed_cost": "crewed missions cost {pct} less",
    "module_cost": "station modules cost {pct} less",
    "robotic_reliability": "+{pct} on robotic steps",
    "crew_survival": "+{pct} crew survival",
    "supply_use": "crews eat {pct} less",
    "surface_science": "+{pct} surface station science",
    "science": "+{pct} science",
    "docking_standard": "docking with others who know it",
}


def tech_unlocks(content: Content) -> dict[str, list[str]]:
    """What learning each technology opens, in words: its hardware, the missions, modules
    and landing sites that need it, and its lasting effects."""
    out: dict[str, list[str]] = {tid: [] for tid in content.techs}
    for tid, tech in content.techs.items():
        if tech.system:
            out[tid].append(f"{tech.system.replace('_', ' ')} hardware")
    for mission in content.missions.values():
        for tid in mission.requires:
            if tid in out:
                out[tid].append(mission.name)
    for module in content.modules.values():
        if module.requires in out:
            out[module.requires].append(f"{module.name} module")
    for site in content.sites.values():
        if site.requires in out:
            out[site.requires].append(f"landings at {site.name}")
    for tid, tech in content.techs.items():
        for key, value in tech.effects.items():
            if key == "unlock_module":
                opened = content.modules.get(str(value))
                out[tid].append(f"{opened.name if opened else value} module")
            elif key in EFFECT_WORDS and isinstance(value, int | float):
                out[tid].append(EFFECT_WORDS[key].format(pct=f"{abs(value):.0%}"))
    return {tid: list(dict.fromkeys(words)) for tid, words in out.items()}


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
                    f" <font color='#8a96ad'>({wording.percent(float(step[1]))})</font>"
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


DIPLOMACY_EVENTS = (
    "proposal_made",
    "proposal_declined",
    "proposal_expired",
    "proposal_lapsed",
    "treaty_signed",
    "bloc_joined",
    "partner_joined",
    "agreement_left",
)
MONEY_BACK = ("funding_returned", "research_refunded", "scrub_refund")
ANSWER_LINK = "answer:"  # a report link that puts an answer on the orders: answer:<id>:<1|0>


def _amount(events: list[Any], seat: str | None, *kinds: str) -> int:
    return sum(
        int(_dict(e.get("data")).get("amount", 0) or 0)
        for e in events
        if e.get("kind") in kinds and e.get("agency") == seat
    )


def money_html(model: MatchModel, index: int) -> str:
    """Where the seat's money went in the turn that led to history[index]."""
    if index < 1 or model.seat is None:
        return ""
    before = number(me(model.history[index - 1].view), "treasury")
    now = me(model.history[index].view)
    after, income = number(now, "treasury"), number(now, "income")
    if before is None or after is None or income is None:
        return ""
    events = model.history[index].events
    dues = _amount(events, model.seat, "dues_paid")
    lost = _amount(events, model.seat, "treasury_capped")
    back = _amount(events, model.seat, *MONEY_BACK)
    spent = before + income - dues - lost - after
    parts = [
        f"treasury ${before:,.0f}M &gt; <b>${after:,.0f}M</b>",
        f"income +${income:,.0f}M",
        f"spent ${spent:,.0f}M" + (f" (after ${back:,}M came back)" if back else ""),
    ]
    if dues:
        parts.append(f"dues ${dues:,}M")
    lost_colour = hex_colour(theme.BAD if lost else theme.MUTED)
    parts.append(f"<font color='{lost_colour}'>lost to the cap ${lost:,}M</font>")
    return ", ".join(parts)


def research_changes(model: MatchModel, index: int) -> list[str]:
    """What changed in the seat's research in the turn that led to history[index]."""
    if index < 1:
        return []
    before = _dict(me(model.history[index - 1].view).get("techs"))
    after = _dict(me(model.history[index].view).get("techs"))
    out = []
    for tid, now in after.items():
        now, then = _dict(now), _dict(before.get(tid))
        name = wording.tech_name(model, tid)
        if now.get("status") == "known" and then.get("status") != "known":
            out.append(f"learned <b>{escape(name)}</b>")
        elif int(now.get("refinements", 0) or 0) > int(then.get("refinements", 0) or 0):
            out.append(f"refined {escape(name)}")
        elif now.get("status") == "available" and then.get("status") == "locked":
            out.append(f"{escape(name)} can now be researched")
        elif int(now.get("paid", 0) or 0) != int(then.get("paid", 0) or 0):
            cost = max(1, int(now.get("cost", 1) or 1))
            out.append(
                f"{escape(name)} {int(then.get('paid', 0) or 0) * 100 // cost}% &gt; "
                f"{int(now.get('paid', 0) or 0) * 100 // cost}%"
            )
    return out


def next_steps(model: MatchModel) -> list[str]:
    """What waits for the player this turn: programs to launch, answers, unused money."""
    out = []
    launching = {getattr(c, "program", "") for c in model.draft if c.KIND == "launch"}
    for program in programs(model):
        if (
            program.get("phase") == "ready"
            and program.get("agency") == model.seat
            and program.get("id") not in launching
        ):
            out.append(f"{escape(str(program.get('name')))} is ready to launch (Missions)")
    waiting = waiting_count(model)
    if waiting:
        out.append(f"{waiting} proposal(s) wait for your answer")
    treasury = number(me(model.view), "treasury")
    if treasury is not None and model.seat is not None:
        left = treasury - model.spending()
        if left > 0:
            out.append(f"${left:,.0f}M not yet committed this turn")
    return out


def inbox_report_html(model: MatchModel) -> str:
    """The proposals waiting for an answer, each with Accept and Decline links."""
    parts = []
    for item in inbox(model):
        pid = str(item.proposal.get("id"))
        chosen = next((c for c in model.draft if isinstance(c, Answer) and c.proposal == pid), None)
        links = " ".join(
            f"<a href='{ANSWER_LINK}{pid}:{int(a.accept)}'>"
            f"[{'Accept' if a.accept else 'Decline'}]</a>"
            for a in item.answers
        )
        if chosen is not None:
            links = (
                f"<font color='{hex_colour(theme.GOOD)}'>"
                f"{'accepted' if chosen.accept else 'declined'} in your orders</font> " + links
            )
        parts.append(f"{inbox_html(model, item)}<br>{links}")
    return "<br>".join(parts)


def report_html(model: MatchModel, turn: int) -> str:
    """What happened in the turn that led to `turn`, most personal first: proposals waiting
    for an answer, the money, research, diplomacy, the agency's own news, prestige, what to
    do next, and the world."""
    index = next((n for n, r in enumerate(model.history) if r.turn == turn), len(model.history) - 1)
    if index < 0:
        return "<i>Nothing yet.</i>"
    latest = index == len(model.history) - 1
    events = model.history[index].events
    seat = model.seat
    parts = []
    if latest:
        waiting = inbox_report_html(model)
        if waiting:
            parts.append("<font color='#f0c060'><b>Waiting for your answer</b></font>")
            parts.append(waiting)
    money = money_html(model, index)
    if money:
        parts.append("<br><b>Money</b>" if parts else "<b>Money</b>")
        parts.append(money)
    research = research_changes(model, index)
    if research:
        parts.append("<br><b>Research</b>")
        parts.append(", ".join(research))

    def involves(e: Mapping[str, Any]) -> bool:
        data = _dict(e.get("data"))
        proposal = _dict(data.get("proposal"))
        return seat is not None and (
            e.get("agency") == seat
            or seat in (proposal.get("sender"), proposal.get("to"))
            or seat in _list(data.get("members"))
            or seat in _list(e.get("visible_to"))
        )

    diplomacy = [e for e in events if e.get("kind") in DIPLOMACY_EVENTS and involves(e)]
    if diplomacy:
        parts.append("<br><b>Diplomacy</b>")
        parts.extend(event_html(e, model) for e in diplomacy)
    mine = [e for e in events if e.get("agency") == seat and e not in diplomacy]
    others = [e for e in events if e.get("agency") != seat and e not in diplomacy]
    if mine:
        parts.append("<br><b>Your agency</b>")
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
    if latest and seat is not None and model.outcome is None:
        upcoming = next_steps(model)
        if upcoming:
            parts.append("<br><font color='#f0c060'><b>Next</b></font>")
            parts.extend(f"- {line}" for line in upcoming)
    if others:
        parts.append("<br><b>The world</b>")
        parts.extend(event_html(e, model) for e in others)
    if model.outcome is not None and latest:
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
            f"{len(model.problems)} refused (marked in red): "
            f"{wording.problem_text(model, model.problems[0])}",
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
        why = refusal(model, order)
        lines.append(f"{n + 1}. {wording.order_text(model, order)}" + (f" - {why}" if why else ""))
    lines.extend(
        wording.problem_text(model, p)
        for p in model.problems
        if not 0 <= int(p.get("index", -1)) < len(model.draft)
    )
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


# -- refusals, the inbox and what is worth proposing -------------------------------------------
def refusal(model: MatchModel, command: Command) -> str:
    """Why the server refused an order on file, in words; "" when it is not refused."""
    for problem in model.problems:
        index = problem.get("index", -1)
        if (
            isinstance(index, int)
            and 0 <= index < len(model.draft)
            and model.draft[index] == (command)
        ):
            return str(problem.get("message", "refused")).replace(str(command), "this order")
    return ""


@dataclass(frozen=True)
class InboxItem:
    """A proposal waiting for the seat's answer, with the answers it may give."""

    proposal: dict[str, Any]
    answers: tuple[Answer, ...]
    last_turn: int  # the last turn it can be answered in


def inbox(model: MatchModel) -> list[InboxItem]:
    """Proposals addressed to the seat that it may still answer. An offer to join a program
    that has ended can only be declined: accepting it could only lapse."""
    if model.seat is None:
        return []
    expiry = int(model.content.rule("diplomacy").proposal_expiry)
    answers: dict[str, list[Answer]] = {}
    for answer in model.legal_of(Answer):
        answers.setdefault(answer.proposal, []).append(answer)
    items = []
    for info in _list(model.view.get("proposals")):
        info = _dict(info)
        options = answers.get(str(info.get("id")), [])
        if info.get("to") != model.seat or not options:
            continue
        if info.get("treaty") == "joint_mission" and not info.get("mission"):
            options = [a for a in options if not a.accept]
        items.append(InboxItem(info, tuple(options), int(info.get("turn", 0)) + expiry))
    return items


def waiting_count(model: MatchModel) -> int:
    """Proposals to the seat not yet answered in this turn's orders: the inbox badge."""
    answered = {c.proposal for c in model.draft if isinstance(c, Answer)}
    return sum(1 for item in inbox(model) if str(item.proposal.get("id")) not in answered)


def shared_terms(model: MatchModel, other: str) -> set[str]:
    """Every term of every agreement the seat and `other` are both members of."""
    terms: set[str] = set()
    for agreement in agreements(model.view):
        members = _list(agreement.get("members"))
        if model.seat in members and other in members:
            terms.update(str(t) for t in _list(agreement.get("terms")))
    return terms


def proposal_terms(model: MatchModel, propose: Propose) -> list[str]:
    """The terms a proposal would bring into force."""
    if propose.treaty == "join_bloc":
        bloc = model.content.blocs.get(propose.bloc)
        found = next((b for b in blocs(model.view) if b.get("id") == propose.bloc), {})
        return [str(t) for t in _list(found.get("terms"))] or list(getattr(bloc, "terms", ()))
    treaty = model.content.treaties.get(propose.treaty)
    return list(treaty.terms) if treaty is not None else []


def proposals_worth_making(model: MatchModel) -> list[Propose]:
    """The legal treaty and bloc proposals, less those that would bring nothing new: a
    treaty whose every term the seat already shares with that agency, through a bloc
    included."""
    out = []
    for propose in model.legal_of(Propose):
        if propose.treaty == "joint_mission":
            continue
        terms = set(proposal_terms(model, propose))
        if propose.treaty != "join_bloc" and terms and terms <= shared_terms(model, propose.to):
            continue
        out.append(propose)
    return out


def inbox_html(model: MatchModel, item: InboxItem) -> str:
    """A waiting proposal: who offers what, what it would do, when it expires."""
    info = item.proposal
    text = escape(wording.proposal_line(model, info))
    sender = str(info.get("sender", ""))
    treaty = str(info.get("treaty", ""))
    if treaty == "joint_mission":
        mission = _dict(info.get("mission"))
        if mission:
            effect = f"co-fund it (${int(mission.get('cost', 0)):,}M in all) and share its credit"
        else:
            effect = "the program has ended: only declining is left"
    else:
        terms = proposal_terms(
            model, Propose(sender, treaty, str(info.get("bloc", "")), str(info.get("program", "")))
        )
        held = shared_terms(model, sender)
        new = [t for t in terms if t not in held]
        effect = wording.terms_text(model, terms)
        if terms and not new:
            effect += " - you already share all of this with them"
    turns_left = item.last_turn - model.turn
    when = (
        "last chance: answer this turn"
        if turns_left <= 0
        else f"answer by {model.date(item.last_turn)} ({turns_left + 1} turns)"
    )
    colour = hex_colour(theme.BAD if turns_left <= 0 else theme.WARN)
    return (
        f"<b>{text}</b><br><font color='#aab6cc'>{escape(effect)}</font>"
        f"<br><font color='{colour}'>{when}</font>"
    )


# -- the presence race ---------------------------------------------------------------------------
def presence_html(model: MatchModel) -> str:
    """Who is how many crewed turns away from the sustained-presence victory."""
    lines = []
    target = 0
    listed = stations(model.view)
    names = {str(s.get("id")): str(s.get("name") or s.get("id")) for s in listed}
    for station in listed:
        claim = _dict(station.get("claim"))
        target = int(claim.get("target", target) or target)
        if not claim.get("counts"):
            continue
        name = escape(str(station.get("name", station.get("id"))))
        crewed = int(station.get("crewed_turns", 0))
        left = int(claim.get("turns_left", 0))
        coalition = [model.agency_name(str(a)) for a in _list(claim.get("coalition"))]
        winners = [model.agency_name(str(a)) for a in _list(claim.get("winners"))]
        rivals = [names.get(str(r), str(r)) for r in _list(claim.get("rivals"))]
        colour = hex_colour(theme.BAD if claim.get("last_call") else theme.ACCENT)
        line = (
            f"<font color='{colour}'><b>{name}</b></font>: crewed {crewed} turns of "
            f"{int(claim.get('target', 0))}, {left} to go"
        )
        if claim.get("held"):
            line += f"; held by {escape(', '.join(coalition))}"
            if winners:
                line += f", would win: {escape(', '.join(winners))}"
        else:
            line += "; not held: it needs two allied owners with 10% each"
        if rivals:
            line += f"; contested by {escape(', '.join(rivals))}"
        lines.append(line)
    if not lines:
        turns = target or int(model.content.rule("stations").presence_turns)
        return (
            "<font color='#8a96ad'>No claim yet. A surface station at a south-pole ice site, "
            f"held by two allied owners with 10% each and crewed {turns} turns in a row while "
            "no rival's pole station is crewed, wins the match outright.</font>"
        )
    return "<br>".join(lines)


def victory_html(model: MatchModel) -> str:
    """How a match is won, for the help window."""
    turns = int(model.content.rule("stations").presence_turns)
    last = model.content.date(int(model.view.get("last_turn", 0) or 0))
    return (
        "<br><font color='#f0c060'><b>How to win</b></font><br>"
        f"Sustained presence: a surface station at a south-pole ice site, held by at least two "
        f"allied owners with 10% each, crewed {turns} turns in a row while no rival's station "
        "at the pole is crewed; its coalition at or above the median standing wins at once.<br>"
        f"Otherwise, after {last}, the best standing wins: your share of all the prestige "
        "earned over your share of the field's means (100% = what your budget's share would "
        "earn). Firsts, science, stations, reliable flights and your objectives earn prestige."
    )


# -- goals in sight ------------------------------------------------------------------------------
def rank_of(model: MatchModel, agency: str) -> tuple[int, int, str]:
    """(rank by standing, agencies ranked, the leader - or the runner-up when `agency` leads)."""
    standings = {
        a: int(info["standing"])
        for a, info in public_agencies(model.view).items()
        if isinstance(info.get("standing"), (int, float))
    }
    if agency not in standings:
        return 0, len(standings), ""
    ordered = sorted(standings, key=lambda a: -standings[a])
    rank = 1 + sum(1 for a in standings if standings[a] > standings[agency])
    other = ordered[1] if ordered[0] == agency and len(ordered) > 1 else ordered[0]
    return rank, len(standings), other


def objectives_score(model: MatchModel, agency: str) -> tuple[int, int, int]:
    """(met, still open, all) of an agency's objectives."""
    own = objectives(model.view, agency)
    met = sum(1 for o in own if o.get("status") == "met")
    still = sum(1 for o in own if o.get("status") == "open")
    return met, still, len(own)

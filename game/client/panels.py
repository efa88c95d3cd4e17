"""The right-hand panels of the game screen: budget, missions, tech, diplomacy, stations, news.

Every action a panel offers is one of the seat's legal commands as the server listed them
this turn (funding at its standard amounts, missions at the sites they suit, the proposals
that may be made), so the panels never offer what the rules would refuse. Pressing an
action adds it to the turn's orders, pressing it again takes it out; the orders bar shows
the server's verdict on the whole set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.client import readout, theme
from game.client.widgets import button, escape, hex_colour, label, object_id, text_box
from game.rules import (
    Answer,
    BuyService,
    Command,
    Fund,
    Propose,
    Research,
    SetAccess,
    StartMission,
    Withdraw,
    clashes,
)

if TYPE_CHECKING:
    from game.client.game_screen import GameScene
    from game.client.match import MatchModel


@dataclass(frozen=True)
class Action:
    """A button on a panel row: pressing it adds or removes one order."""

    text: str
    command: Callable[[], None]
    tip: str
    chosen: bool
    name: str  # the widget's object id, "#act_<command kind>"
    widget: list[pygame_gui.elements.UIButton] = field(default_factory=list)  # once built


@dataclass
class PanelContext:
    """A cursor that lays widgets top to bottom inside the panel's scrolling container."""

    scene: GameScene
    container: pygame_gui.elements.UIScrollingContainer
    width: int
    y: int = 0

    @property
    def model(self) -> MatchModel:
        return self.scene.model

    def px(self, v: float) -> int:
        return self.scene.px(v)

    def gap(self, v: float = 8) -> None:
        self.y += self.px(v)

    def heading(self, text: str) -> None:
        self.gap(6)
        label(
            self.scene.ui,
            pygame.Rect(self.px(10), self.y, self.width - self.px(20), self.px(28)),
            text,
            style="@heading",
            container=self.container,
        )
        self.y += self.px(30)

    def note(self, text: str) -> None:
        label(
            self.scene.ui,
            pygame.Rect(self.px(10), self.y, self.width - self.px(20), self.px(22)),
            text,
            style="@muted",
            container=self.container,
        )
        self.y += self.px(24)

    def html(
        self, html: str, lines: int = 2, *, style: str = "#card"
    ) -> pygame_gui.elements.UITextBox:
        """A block of text, as tall as its words need (`lines` is only the minimum).

        `style`: "#card" (a rounded card), "#log" (a square one: a long text's rounded
        corners cost pygame_gui seconds to draw) or "#row" (bare text)."""
        box = text_box(
            self.scene.ui,
            pygame.Rect(self.px(6), self.y, self.width - self.px(12), -1),
            html,
            container=self.container,
            name=style,
        )
        height = max(box.rect.height, self.px(8 + 18 * min(lines, 1)))
        self.y += height + self.px(4)
        return box

    def row(
        self,
        html: str,
        actions: list[Action],
        *,
        action_w: float = 92,
    ) -> None:
        """A line of text with buttons on the right."""
        bh = self.px(30)
        bw = self.px(action_w)
        text_w = max(self.px(80), self.width - self.px(12) - len(actions) * (bw + self.px(4)))
        height = bh
        if html:
            box = text_box(
                self.scene.ui,
                pygame.Rect(self.px(6), self.y, text_w, -1),
                html,
                container=self.container,
                name="#row",
            )
            height = max(bh, box.rect.height)
        x = self.px(6) + text_w + self.px(4)
        if not html:
            x = self.width - self.px(6) - len(actions) * (bw + self.px(4))
        for a in actions:
            widget = button(
                self.scene.ui,
                pygame.Rect(x, self.y + (height - bh) // 2, bw, bh),
                a.text,
                a.command,
                tip=a.tip,
                style="@primary" if a.chosen else None,
                name=a.name,
                container=self.container,
                disabled=not self.scene.session.can_act,
            )
            a.widget.append(widget)
            x += bw + self.px(4)
        self.y += height + self.px(3)


def build(tab: str, ctx: PanelContext) -> int:
    """Lay out one tab's widgets; returns the height used."""
    {
        "budget": _budget,
        "missions": _missions,
        "tech": _tech,
        "diplomacy": _diplomacy,
        "stations": _stations,
        "news": _news,
    }[tab](ctx)
    return ctx.y + ctx.px(10)


# -- helpers --------------------------------------------------------------------------------
def _action(ctx: PanelContext, text: str, command: Command, tip: str) -> Action:
    """A button that adds `command` to the orders, or takes it out again.

    Pressing it restyles just that button and the budget line; rebuilding the whole panel
    on every click would make clicking feel slow.
    """
    name = f"#act_{command.KIND}"
    widget: list[pygame_gui.elements.UIButton] = []

    def toggle() -> None:
        model = ctx.model
        replaced = command not in model.draft and any(clashes(c, command) for c in model.draft)
        if command in model.draft:
            model.remove_order(command)
        else:
            model.add_order(command)
        if replaced or not widget:
            ctx.scene.orders_changed()
            return
        style = "@primary" if command in model.draft else None
        widget[0].change_object_id(object_id(style, name))
        ctx.scene.orders_changed(rebuild=False)

    return Action(text, toggle, tip, command in ctx.model.draft, name, widget)


def _name_of_tech(ctx: PanelContext, tid: str) -> str:
    tech = ctx.model.content.techs.get(tid)
    return tech.name if tech is not None else tid


SERVICE_NAMES = {"leo_station_access": "crew time on a commercial station in low Earth orbit"}


def _service_name(service: str) -> str:
    return SERVICE_NAMES.get(service, service.replace("_", " "))


def _site_name(ctx: PanelContext, sid: str) -> str:
    return readout.place_name(ctx.model, sid)


def _mission_name(ctx: PanelContext, mtype: str) -> str:
    mission = ctx.model.content.missions.get(mtype)
    return mission.name if mission is not None else mtype.replace("_", " ")


def _program_label(ctx: PanelContext, pid: str) -> str:
    for program in readout.programs(ctx.model):
        if str(program.get("id")) == pid:
            return str(program.get("name", pid))
    return pid


def _agency(ctx: PanelContext, aid: str) -> str:
    colour = hex_colour(theme.agency_colour(aid))
    return f"<font color='{colour}'><b>{escape(ctx.model.agency_name(aid))}</b></font>"


def _spectator_note(ctx: PanelContext) -> bool:
    if ctx.model.seat is None:
        ctx.note("Watching: the public view. Agencies' budgets and research stay private.")
        return True
    return False


def _order_text(ctx: PanelContext, order: Command) -> str:
    """An order in a player's words."""
    if isinstance(order, Research):
        return f"Research {_name_of_tech(ctx, order.tech)}: ${order.amount:,}M"
    if isinstance(order, Fund):
        return f"Fund {_program_label(ctx, order.program)}: ${order.amount:,}M"
    if isinstance(order, StartMission):
        module = ctx.model.content.modules.get(order.module) if order.module else None
        carrying = f" ({module.name})" if module is not None else ""
        where = _site_name(ctx, order.site)
        return f"Start {_mission_name(ctx, order.mission_type)}{carrying} to {where}"
    if isinstance(order, Propose):
        what = order.treaty.replace("_", " ")
        if order.program:
            what += f" ({_program_label(ctx, order.program)})"
        return f"Propose {what} to {ctx.model.agency_name(order.to)}"
    if isinstance(order, Answer):
        info = readout.proposals(ctx.model.view).get(order.proposal, {})
        what = readout.proposal_text(ctx.model, info) or f"proposal {order.proposal}"
        return f"{'Accept' if order.accept else 'Decline'} {what}"
    if isinstance(order, BuyService):
        return f"Buy {_service_name(order.service)}"
    if isinstance(order, Withdraw):
        treaty = next(
            (t for t in readout.agreements(ctx.model.view) if t.get("id") == order.agreement), {}
        )
        return (
            f"Withdraw from {readout.treaty_text(ctx.model, treaty) if treaty else order.agreement}"
        )
    if isinstance(order, SetAccess):
        station = next(
            (s for s in readout.stations(ctx.model.view) if s.get("id") == order.station), {}
        )
        return f"{station.get('name', order.station)}: access for {order.access}"
    program = getattr(order, "program", "")
    if program:
        return f"{order.KIND.title()} {_program_label(ctx, program)}"
    return str(order)


def budget_html(model: MatchModel) -> str:
    """The budget line: the treasury and where this turn's orders send it."""
    treasury = readout.number(readout.me(model.view), "treasury") or 0.0
    spend = model.spending()
    research = sum(c.amount for c in model.draft if isinstance(c, Research))
    colour = hex_colour(theme.BAD if spend > treasury else theme.GOOD)
    return (
        f"Treasury <b>${treasury:,.0f}M</b>. This turn: research <b>${research:,}M</b>, "
        f"programs and fees <b>${spend - research:,}M</b>, left <font color='{colour}'><b>"
        f"${treasury - spend:,.0f}M</b></font>."
    )


# -- budget ---------------------------------------------------------------------------------
def _budget(ctx: PanelContext) -> None:
    model = ctx.model
    ctx.heading("Budget")
    if _spectator_note(ctx):
        _public_table(ctx)
        return
    ctx.scene.budget_line = ctx.html(budget_html(model), lines=2)
    if not ctx.scene.session.can_act and model.draft:
        ctx.heading("Orders given this turn")
        for order in model.draft:
            ctx.html(escape(_order_text(ctx, order)), lines=1, style="#row")
    funds = model.legal_of(Fund)
    if funds:
        ctx.heading("Fund programs")
        for fund in funds:
            pid, amount = fund.program, fund.amount
            program = next((p for p in readout.programs(model) if p.get("id") == pid), {})
            cost = max(1, int(program.get("cost", 1)))
            built = int(program.get("paid", 0)) * 100 // cost
            ctx.row(
                f"{escape(_program_label(ctx, pid))}  <font color='#8a96ad'>{built}% of "
                f"${cost:,}M built</font>",
                [
                    _action(
                        ctx,
                        f"+${amount:,}M",
                        fund,
                        "Pay this into the program; an underfunded program slips its schedule.",
                    )
                ],
            )
    researches = model.legal_of(Research)
    if researches:
        ctx.heading("Research")
        techs = readout.me(model.view).get("techs", {})
        for research in researches:
            tid, amount = research.tech, research.amount
            info = techs.get(tid, {}) if isinstance(techs, dict) else {}
            paid, cost = int(info.get("paid", 0)), int(info.get("cost", 0) or 1)
            if info.get("status") == "known":
                what = f"refine: {paid * 100 // cost}% of ${cost:,}M"
                tip = "Refining raises the reliability of the hardware it makes, up to its cap."
            else:
                what = f"{paid * 100 // cost}% of ${cost:,}M"
                tip = "Research toward learning it; at most this much a turn."
            ctx.row(
                f"{escape(_name_of_tech(ctx, tid))}  <font color='#8a96ad'>{what}</font>",
                [_action(ctx, f"+${amount:,}M", research, tip)],
            )
    services = model.legal_of(BuyService)
    if services:
        ctx.heading("Commercial services")
        for service in services:
            name = _service_name(service.service)
            ctx.row(
                escape(name[:1].upper() + name[1:]),
                [_action(ctx, "Buy", service, "Buy this service from the commercial provider.")],
            )
    if not (funds or researches):
        ctx.note("Nothing to fund this turn.")
    _objectives(ctx)


def _public_table(ctx: PanelContext) -> None:
    for aid, info in readout.public_agencies(ctx.model.view).items():
        prestige = readout.number(info, "prestige")
        standing = readout.standing_now(ctx.model.view, aid)
        text = (
            f"{_agency(ctx, aid)}  prestige {prestige:,.0f}, standing {standing}"
            if prestige is not None
            else _agency(ctx, aid)
        )
        ctx.html(text, lines=1)
    _objectives(ctx)


def _objectives(ctx: PanelContext) -> None:
    """Every agency's public objectives, the seat's own first, and whether they are met."""
    view = ctx.model.view
    seat = ctx.model.seat
    listed = readout.objectives(view)
    if not listed:
        return
    ctx.heading("Objectives")
    ordered = sorted(listed, key=lambda o: o.get("agency") != seat)
    for objective in ordered:
        aid = str(objective.get("agency", ""))
        who = "" if aid == seat else ctx.model.agency_name(aid)
        ctx.html(readout.objective_html(objective, who=who), lines=1, style="#row")


# -- missions -------------------------------------------------------------------------------
def _missions(ctx: PanelContext) -> None:
    model = ctx.model
    ctx.heading("Programs")
    if _spectator_note(ctx):
        return
    progs = readout.programs(model)
    if not progs:
        ctx.note("No programs yet: start one below.")
    by_program: dict[str, list[Command]] = {}
    for c in model.legal:
        pid = getattr(c, "program", "")
        if pid and c.KIND in ("launch", "rush", "delay", "scrub"):
            by_program.setdefault(pid, []).append(c)
    tips = {
        "launch": "Fly it this turn: each step rolls against its reliability.",
        "rush": "Up to twice the schedule this turn, for a fee and some reliability.",
        "delay": "One more turn of testing on the ground: more reliable, costs a fee.",
        "scrub": "Cancel: contributors get part of their money back.",
    }
    for program in progs:
        pid = str(program.get("id", ""))
        name = escape(str(program.get("name", pid)))
        mtype = _mission_name(ctx, str(program.get("mission_type", "")))
        site = _site_name(ctx, str(program.get("site", "")))
        cost = max(1, int(program.get("cost", 1)))
        paid = int(program.get("paid", 0))
        phase = str(program.get("phase", ""))
        detail = f"{escape(mtype)} to {escape(site)}: "
        if phase == "ready":
            detail += "<font color='#5ed68c'>ready to launch</font>"
        else:
            detail += f"{paid / cost:.0%} of ${cost:,}M built"
        odds = program.get("odds")  # the rules' odds, for a program ready to fly
        reliability = program.get("reliability")
        if isinstance(odds, dict) and odds.get("steps"):
            weakest = min(odds["steps"], key=lambda step: float(step["chance"]))
            detail += (
                f", success {float(odds['chance']):.0%} (weakest: "
                f"{escape(str(weakest['step']))} {float(weakest['chance']):.0%})"
            )
        elif isinstance(reliability, dict) and reliability:
            worst = min(reliability, key=lambda k: reliability[k])
            detail += (
                f", weakest hardware: {escape(worst.replace('_', ' '))} "
                f"{float(reliability[worst]):.0%}"
            )
        lead = str(program.get("agency", ""))
        if lead and lead != model.seat:
            detail += f", led by {escape(model.agency_name(lead))}"
        partners = [str(a) for a in program.get("partners", []) if a != model.seat]
        if partners:
            detail += ", with " + escape(", ".join(model.agency_name(a) for a in partners))
        problem = program.get("launch_problem")
        if isinstance(problem, dict):
            detail += f"<br><font color='#f06060'>{escape(str(problem.get('message')))}</font>"
        actions = [_action(ctx, c.KIND.title(), c, tips[c.KIND]) for c in by_program.get(pid, [])]
        ctx.html(f"<b>{name}</b><br><font color='#aab6cc'>{detail}</font>", lines=2)
        if actions:
            ctx.row("", actions, action_w=78)
    invites = [c for c in model.legal_of(Propose) if c.treaty == "joint_mission"]
    if invites:
        ctx.heading("Invite partners")
        for c in invites:
            ctx.row(
                f"{escape(_program_label(ctx, c.program))} with {_agency(ctx, c.to)}",
                [_action(ctx, "Invite", c, "Ask them to co-fund and share the credit.")],
            )
    starts = model.legal_of(StartMission)
    chosen = ctx.scene.selected_site
    ctx.heading("New mission" + (f" at {_site_name(ctx, chosen)}" if chosen else ""))
    costs = readout.me(model.view).get("mission_costs", {})
    if chosen:
        shown = [c for c in starts if c.site in (chosen, "orbit")]
    else:
        # One line per kind of mission; the other targets are a click on the Moon away.
        ctx.note("One target per mission shown: click a site on the Moon for all of its.")
        firsts: dict[tuple[str, str, bool], StartMission] = {}
        for c in starts:
            firsts.setdefault((c.mission_type, c.module, c.commercial), c)
        shown = list(firsts.values())
    for c in shown[:40]:
        quoted = costs.get(c.mission_type) if isinstance(costs, dict) else None
        mission = model.content.missions.get(c.mission_type)
        turns = f" over {mission.build_turns} turns" if mission else ""
        price = f"${quoted:,}M{turns}" if isinstance(quoted, int) else ""
        module = model.content.modules.get(c.module)
        extra = f" ({module.name if module else c.module})" if c.module else ""
        commercial = ", commercial launch" if c.commercial else ""
        ctx.row(
            f"{escape(_mission_name(ctx, c.mission_type))}{escape(extra)} to "
            f"{escape(_site_name(ctx, c.site))}{commercial}"
            f"  <font color='#8a96ad'>{price}</font>",
            [_action(ctx, "Start", c, "Open this program; fund it over the next turns.")],
        )
    if not shown:
        ctx.note("No mission can start here yet (technology or site).")


# -- tech -----------------------------------------------------------------------------------
def _tech(ctx: PanelContext) -> None:
    model = ctx.model
    ctx.heading("Technology")
    ctx.note("The tree is on the left: wheel zooms, drag scrolls, click picks.")
    tid = ctx.scene.selected_tech
    if tid is None or tid not in model.content.techs:
        ctx.note("Pick a technology in the tree.")
        return
    tech = model.content.techs[tid]
    statuses = readout.tech_status(model)
    ctx.scene.tree.set_status(statuses)
    status = statuses.get(tid)
    ctx.html(escape(ctx.scene.tree.tooltip(tid)).replace("\n", "<br>"), lines=6)
    effects = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in tech.effects.items())
    if effects:
        ctx.note(f"Effects: {effects}")
    if _spectator_note(ctx):
        return
    options = [c for c in model.legal_of(Research) if c.tech == tid]
    for c in options:
        ctx.row(
            f"Research {escape(tech.name)}",
            [
                _action(
                    ctx,
                    f"${c.amount:,}M",
                    c,
                    "Spend this on it this turn.",
                )
            ],
        )
    if not options:
        why = (
            "known and refined to its cap"
            if status and status.known
            else (
                "locked: learn its prerequisites first"
                if status and not status.available
                else "not available this turn"
            )
        )
        ctx.note(f"No research possible: {why}.")


# -- diplomacy ------------------------------------------------------------------------------
def _diplomacy(ctx: PanelContext) -> None:
    model = ctx.model
    view = model.view
    ctx.heading("Relations")
    relations = readout.relations(model)
    if relations:
        for aid, value in relations:
            colour = hex_colour(
                theme.GOOD if value >= 30 else theme.BAD if value < 0 else theme.TEXT
            )
            ctx.html(f"{_agency(ctx, aid)}  <font color='{colour}'>{value:+d}</font>", lines=1)
    blocs = readout.blocs(view)
    if blocs:
        ctx.heading("Blocs")
        for bloc in blocs:
            members = ", ".join(escape(model.agency_name(str(a))) for a in bloc.get("members", []))
            ctx.html(f"<b>{escape(str(bloc.get('name', bloc.get('id'))))}</b>: {members}", lines=2)
    if _spectator_note(ctx):
        return
    answers = model.legal_of(Answer)
    if answers:
        ctx.heading("Proposals to you")
        proposals = readout.proposals(view)
        by_id: dict[str, list[Answer]] = {}
        for answer in answers:
            by_id.setdefault(answer.proposal, []).append(answer)
        for pid, options in by_id.items():
            info = proposals.get(pid, {})
            text = readout.proposal_text(model, info) or pid
            ctx.html(escape(text), lines=2)
            ctx.row(
                "",
                [
                    _action(
                        ctx,
                        "Accept" if answer.accept else "Decline",
                        answer,
                        "Your answer is read when the turn resolves.",
                    )
                    for answer in options
                ],
            )
    treaties = readout.treaties(view)
    if treaties:
        ctx.heading("Your treaties")
        withdraws = {w.agreement: w for w in model.legal_of(Withdraw)}
        for treaty in treaties:
            tid = str(treaty.get("id", ""))
            text = readout.treaty_text(model, treaty)
            withdraw = withdraws.get(tid)
            ctx.row(
                escape(text),
                [
                    _action(
                        ctx,
                        "Withdraw",
                        withdraw,
                        "Breaking your word costs prestige, support and relations.",
                    )
                ]
                if withdraw
                else [],
            )
    proposes = [p for p in model.legal_of(Propose) if p.treaty != "joint_mission"]
    if proposes:
        ctx.heading("Propose")
        for propose in proposes:
            what = propose.treaty.replace("_", " ")
            if propose.bloc:
                bloc_id = propose.bloc
                bloc = next((b for b in readout.blocs(model.view) if b.get("id") == bloc_id), {})
                what = f"join {bloc.get('name', bloc_id)}"
            ctx.row(
                f"{escape(what.capitalize())} with {_agency(ctx, propose.to)}",
                [_action(ctx, "Propose", propose, "They answer in a later turn.")],
            )


# -- stations -------------------------------------------------------------------------------
def _stations(ctx: PanelContext) -> None:
    model = ctx.model
    ctx.heading("Stations")
    stations = readout.stations(model.view)
    if not stations:
        ctx.note("No station yet. Build one module by module with station missions.")
    access: dict[str, list[SetAccess]] = {}
    for rule in model.legal_of(SetAccess):
        access.setdefault(rule.station, []).append(rule)
    for station in stations:
        ctx.html(escape(readout.station_tip(model, station)).replace("\n", "<br>"), lines=5)
        sid = str(station.get("id", ""))
        options = access.get(sid, [])
        if options:
            ctx.row(
                "Access",
                [
                    _action(
                        ctx,
                        c.access.title(),
                        c,
                        "Who may dock or send crew.",
                    )
                    for c in options
                ],
                action_w=84,
            )


# -- news -----------------------------------------------------------------------------------
NEWS_SHOWN = 80  # the newest events the panel shows: a long text is slow to lay out


def _news(ctx: PanelContext) -> None:
    """The newest events, newest turn first, in one text block (cheap to lay out)."""
    model = ctx.model
    ctx.heading("News")
    parts: list[str] = []
    shown = 0
    older = 0
    for record in reversed(model.history):
        room = NEWS_SHOWN - shown
        if not record.events or room <= 0:
            older += len(record.events)
            continue
        parts.append(
            f"<font color='#f0c060'><b>{escape(model.date(max(0, record.turn - 1)))}</b></font>"
        )
        taken = record.events[:room]
        parts.extend(readout.event_html(event, model) for event in taken)
        shown += len(taken)
        older += len(record.events) - len(taken)
        parts.append("")
    if not parts:
        ctx.note("No news yet: the first turn has not resolved.")
        return
    ctx.html("<br>".join(parts), lines=4, style="#log")
    if older:
        ctx.note(f"{older} older events: the match's replay holds every turn's news.")

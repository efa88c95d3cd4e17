"""The right-hand panels of the game screen: budget, missions, tech, diplomacy, stations, news.

Every action a panel offers is one of the seat's legal commands as the server listed them
this turn (missions at the sites they suit, the proposals that may be made), or a payment
into one of them at an amount the player steps between $1M and the rules' limit, so the
panels never offer what the rules would refuse. Pressing an action adds it to the turn's
orders, pressing it again takes it out; an order the server refused turns red where it was
given, with the reason. Missions show their true price, their odds step by step and what
they can earn (`outlook`); proposals show what their terms do and when they expire.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.client import advisor, outlook, readout, standing, theme, wording
from game.client.outlook import Outlook
from game.client.widgets import button, escape, hex_colour, label, object_id, text_box
from game.client.wording import percent
from game.rules import (
    BuyService,
    Command,
    Fund,
    Propose,
    Research,
    Rush,
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
    width: float = 0  # its own width (designed for 1280x800), 0: the row's
    refused: bool = False  # an order on file the server refused: marked in red


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

    @property
    def outlook(self) -> Outlook:
        """The prices, odds and earnings of this view, worked out once."""
        return outlook.of(self.scene.model)

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
        widths = [self.px(a.width or action_w) for a in actions]
        used = sum(w + self.px(4) for w in widths)
        text_w = max(self.px(80), self.width - self.px(12) - used)
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
            x = self.width - self.px(6) - used
        for a, bw in zip(actions, widths, strict=True):
            widget = button(
                self.scene.ui,
                pygame.Rect(x, self.y + (height - bh) // 2, bw, bh),
                a.text,
                a.command,
                tip=a.tip,
                style=_style(a.chosen, a.refused),
                name=a.name,
                container=self.container,
                disabled=not self.scene.session.can_act,
            )
            a.widget.append(widget)
            x += bw + self.px(4)
        self.y += height + self.px(3)


def _style(chosen: bool, refused: bool) -> str | None:
    return "@danger" if refused else "@primary" if chosen else None


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
def _refusal(ctx: PanelContext, command: Command) -> str:
    """Why the server refused this order, if it is on file and was refused; else ""."""
    return readout.refusal(ctx.model, command)


def _action(
    ctx: PanelContext,
    text: str,
    command: Command,
    tip: str,
    *,
    after: Callable[[bool], None] | None = None,
) -> Action:
    """A button that adds `command` to the orders, or takes it out again.

    Pressing it restyles just that button, the budget line and the orders list; rebuilding
    the whole panel on every click would make clicking feel slow. `after(added)` runs once
    the order is in or out (a rush raising its program's funding).
    """
    name = f"#act_{command.KIND}"
    widget: list[pygame_gui.elements.UIButton] = []
    refused = _refusal(ctx, command)

    def toggle() -> None:
        model = ctx.model
        replaced = command not in model.draft and any(clashes(c, command) for c in model.draft)
        if command in model.draft:
            model.remove_order(command)
        else:
            model.add_order(command)
        if after is not None:
            after(command in model.draft)
        if replaced or refused or after is not None or not widget:
            ctx.scene.orders_changed()
            return
        style = "@primary" if command in model.draft else None
        widget[0].change_object_id(object_id(style, name))
        ctx.scene.orders_changed(rebuild=False)

    if refused:
        tip = f"Refused: {refused}\n{tip}"
    return Action(
        text, toggle, tip, command in ctx.model.draft, name, widget, refused=bool(refused)
    )


def _refusal_note(ctx: PanelContext, *commands: Command) -> None:
    """The server's reason, in red, under a row whose order it refused."""
    for command in commands:
        why = _refusal(ctx, command)
        if why:
            ctx.html(f"<font color='#f06060'>Refused: {escape(why)}</font>", lines=1, style="#row")


def _amount_row(
    ctx: PanelContext, html: str, standard: Research | Fund, limit: int, tip: str
) -> None:
    """A payment the player sizes: "-" and "+" step the amount between $1M and `limit`, the
    middle button puts it on the orders (or takes it off). An amount on file moves with it.

    A step changes the middle button's text and the order in place: rebuilding the panel on
    every step would make stepping feel slow."""
    model = ctx.model
    key = (standard.KIND, getattr(standard, "tech", "") or getattr(standard, "program", ""))
    on_file = next((c for c in model.draft if clashes(c, standard)), None)
    limit = max(1, limit)
    if isinstance(on_file, Research | Fund):
        amount = on_file.amount
    else:
        amount = ctx.scene.amounts.get(key, standard.amount)
    chosen = [replace(standard, amount=max(1, min(limit, amount)))]  # as the steps move it
    step = max(1, round(limit / 10))
    middle: list[pygame_gui.elements.UIButton] = []
    name = f"#act_{standard.KIND}"

    def show() -> None:
        if middle:
            filed = chosen[0] in model.draft
            middle[0].set_text(f"${chosen[0].amount:,}M")
            middle[0].change_object_id(object_id("@primary" if filed else None, name))

    def toggle() -> None:
        if chosen[0] in model.draft:
            model.remove_order(chosen[0])
        else:
            model.add_order(chosen[0])
        show()
        ctx.scene.orders_changed(rebuild=False)

    def nudge(sign: int) -> None:
        filed = chosen[0] in model.draft
        chosen[0] = replace(standard, amount=max(1, min(limit, chosen[0].amount + sign * step)))
        ctx.scene.amounts[key] = chosen[0].amount
        if filed:
            model.add_order(chosen[0])
        show()
        ctx.scene.orders_changed(rebuild=False)

    refused = _refusal(ctx, chosen[0])
    kind = standard.KIND
    ctx.row(
        html,
        [
            Action("-", lambda: nudge(-1), f"${step:,}M less", False, f"#less_{kind}", width=30),
            Action(
                f"${chosen[0].amount:,}M",
                toggle,
                f"Refused: {refused}\n{tip}" if refused else tip,
                chosen[0] in model.draft,
                name,
                middle,
                refused=bool(refused),
            ),
            Action(
                "+",
                lambda: nudge(1),
                f"${step:,}M more, up to ${limit:,}M",
                False,
                f"#more_{kind}",
                width=30,
            ),
        ],
        action_w=84,
    )
    _refusal_note(ctx, chosen[0])


def _fund_row(ctx: PanelContext, fund: Fund, *, under_program: bool = False) -> None:
    """Paying into a program: how far it is built, its odds, and an amount to choose. A
    program rushed this turn may take up to twice its schedule. `under_program`: the row
    sits under the program's own card, which says the rest."""
    model = ctx.model
    program = next((p for p in readout.programs(model) if p.get("id") == fund.program), {})
    cost = max(1, int(program.get("cost", 1)))
    built = int(program.get("paid", 0)) * 100 // cost
    rushed = any(isinstance(c, Rush) and c.program == fund.program for c in model.draft)
    limit = ctx.outlook.fund_limit(fund.program, rushed, fund.amount)
    treasury = readout.treasury(model)
    odds = ctx.outlook.program_odds(program) if program else None
    chance = f", success {percent(float(odds['chance']))}" if odds else ""
    room = f"up to ${min(limit, treasury):,}M this turn{' (rushed)' if rushed else ''}"
    text = (
        f"Fund it: <font color='#8a96ad'>{room}</font>"
        if under_program
        else f"{escape(_program_label(ctx, fund.program))}  <font color='#8a96ad'>{built}% of "
        f"${cost:,}M built{chance}; {room}</font>"
    )
    _amount_row(
        ctx,
        text,
        fund,
        min(limit, treasury),
        "Pay this into the program; an underfunded program slips its schedule. "
        "Rush it to let it take up to twice its schedule.",
    )


def _name_of_tech(ctx: PanelContext, tid: str) -> str:
    return wording.tech_name(ctx.model, tid)


def _site_name(ctx: PanelContext, sid: str) -> str:
    return wording.place_name(ctx.model, sid)


def _mission_name(ctx: PanelContext, mtype: str) -> str:
    return wording.mission_name(ctx.model, mtype)


def _program_label(ctx: PanelContext, pid: str) -> str:
    return wording.program_name(ctx.model, pid)


def _agency(ctx: PanelContext, aid: str) -> str:
    colour = hex_colour(theme.agency_colour(aid))
    return f"<font color='{colour}'><b>{escape(ctx.model.agency_name(aid))}</b></font>"


def _spectator_note(ctx: PanelContext) -> bool:
    if ctx.model.seat is None:
        ctx.note("Watching: the public view. Agencies' budgets and research stay private.")
        return True
    return False


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
    _advisor(ctx)
    if not ctx.scene.session.can_act and model.draft:
        ctx.heading("Orders given this turn")
        for order in model.draft:
            ctx.html(escape(wording.order_text(model, order)), lines=1, style="#row")
    funds = model.legal_of(Fund)
    on = standing.fund_on_schedule(model)
    ctx.row(
        "<font color='#aab6cc'>Standing order: fund every program on schedule each turn, "
        "as money allows</font>",
        [
            Action(
                "On" if on else "Off",
                partial(_set_standing, ctx, not on),
                "Queues the funding orders at the start of every turn; they show in the "
                "orders list, where you can take them out.",
                on,
                "#standing_fund",
            )
        ],
        action_w=60,
    )
    if funds:
        ctx.heading("Fund programs")
        for fund in funds:
            _fund_row(ctx, fund)
    researches = model.legal_of(Research)
    if researches:
        ctx.heading("Research")
        treasury = readout.treasury(model)
        for research in researches:
            tid = research.tech
            info = readout.own_tech(model, tid)
            paid, cost = int(info.get("paid", 0)), int(info.get("cost", 0) or 1)
            if info.get("status") == "known":
                what = f"refine: {paid * 100 // cost}% of ${cost:,}M"
                tip = "Refining raises the reliability of the hardware it makes, up to its cap."
            else:
                what = f"{paid * 100 // cost}% of ${cost:,}M"
                tip = "Research toward learning it; at most the tech's limit a turn."
            limit = min(int(info.get("limit", research.amount) or research.amount), treasury)
            _amount_row(
                ctx,
                f"{escape(_name_of_tech(ctx, tid))}  <font color='#8a96ad'>{what}</font>",
                research,
                limit,
                tip,
            )
    services = model.legal_of(BuyService)
    if services:
        ctx.heading("Commercial services")
        for service in services:
            name = wording.service_name(service.service)
            price = readout.service_price(model, service.service)
            priced = f"  <font color='#8a96ad'>${price:,.0f}M</font>" if price else ""
            ctx.row(
                escape(name[:1].upper() + name[1:]) + priced,
                [_action(ctx, "Buy", service, "Buy this service from the commercial provider.")],
            )
            _refusal_note(ctx, service)
    if not (funds or researches):
        ctx.note("Nothing to fund this turn.")
    _objectives(ctx)


def _set_standing(ctx: PanelContext, on: bool) -> None:
    standing.set_fund_on_schedule(ctx.model, on)
    ctx.scene.orders_changed()


def _advisor(ctx: PanelContext) -> None:
    """On the first turn: what a good first move is for this agency, with a button that
    puts those orders on file."""
    model = ctx.model
    if model.turn != 0 or not ctx.scene.session.can_act:
        return
    advice = advisor.first_moves(model)
    if not advice.orders:
        return
    ctx.heading("A good first move")
    lines = "<br>".join(f"- {escape(wording.order_text(model, c))}" for c in advice.orders)
    ctx.html(f"{escape(advice.why)}<br>{lines}", lines=3)
    ctx.row(
        "",
        [
            Action(
                "Use these orders",
                partial(_take_advice, ctx, advice.orders),
                "Adds them to your orders; change or remove any of them.",
                all(c in model.draft for c in advice.orders),
                "#advice",
            )
        ],
        action_w=170,
    )


def _take_advice(ctx: PanelContext, orders: list[Command]) -> None:
    for order in orders:
        if order not in ctx.model.draft:
            ctx.model.add_order(order)
    ctx.scene.orders_changed()


def _public_table(ctx: PanelContext) -> None:
    for aid, info in readout.public_agencies(ctx.model.view).items():
        prestige = readout.number(info, "prestige")
        standing_text = readout.standing_now(ctx.model.view, aid)
        text = (
            f"{_agency(ctx, aid)}  prestige {prestige:,.0f}, standing {standing_text}"
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
PROGRAM_TIPS = {
    "launch": "Fly it this turn: each step rolls against its reliability.",
    "rush": "Up to twice the schedule this turn, for a fee and some reliability; its "
    "funding may then take twice as much.",
    "delay": "One more turn of testing on the ground: more reliable, costs a fee.",
    "scrub": "Cancel: contributors get part of their money back.",
}


def _fee(program: dict[str, object], kind: str) -> str:
    fee = program.get(f"{'test' if kind == 'delay' else kind}_fee")
    return f" ${fee:,}M" if isinstance(fee, int) and kind in ("rush", "delay") else ""


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
    funds = {f.program: f for f in model.legal_of(Fund)}
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
            detail += f"{paid * 100 // cost}% of ${cost:,}M built"
        odds = ctx.outlook.program_odds(program)
        estimate = "" if phase == "ready" else " with today's hardware"
        detail += (
            f", success {percent(float(odds['chance']))}{estimate}"
            f"<br>{outlook.odds_steps_html(odds)}"
        )
        missing = outlook.missing_hardware(odds)
        if missing:
            detail += (
                f"<br><font color='#f0c060'>No one in it has {escape(missing)} "
                "hardware yet: research it, or wait for the lead's.</font>"
            )
        lead = str(program.get("agency", ""))
        if lead and lead != model.seat:
            detail += f"<br>led by {escape(model.agency_name(lead))}"
        partners = [str(a) for a in program.get("partners", []) if a != model.seat]
        if partners:
            detail += ", with " + escape(", ".join(model.agency_name(a) for a in partners))
        problem = program.get("launch_problem")
        if isinstance(problem, dict):
            detail += f"<br><font color='#f06060'>{escape(str(problem.get('message')))}</font>"
        commands = by_program.get(pid, [])
        actions = [
            _action(
                ctx,
                f"{c.KIND.title()}{_fee(program, c.KIND)}",
                c,
                PROGRAM_TIPS[c.KIND],
                after=partial(_rushed, ctx, pid) if isinstance(c, Rush) else None,
            )
            for c in commands
        ]
        ctx.html(f"<b>{name}</b><br><font color='#aab6cc'>{detail}</font>", lines=2)
        if actions:
            ctx.row("", actions, action_w=96)
            _refusal_note(ctx, *commands)
        if pid in funds:
            _fund_row(ctx, funds[pid], under_program=True)
    invites = [c for c in model.legal_of(Propose) if c.treaty == "joint_mission"]
    if invites:
        ctx.heading("Invite partners")
        for c in invites:
            ctx.row(
                f"{escape(_program_label(ctx, c.program))} with {_agency(ctx, c.to)}",
                [_action(ctx, "Invite", c, "Ask them to co-fund and share the credit.")],
            )
            _refusal_note(ctx, c)
    _new_missions(ctx)


def _rushed(ctx: PanelContext, pid: str, added: bool) -> None:
    """A rush lets the program take up to twice its schedule: funding on file for it grows
    to the new limit (as money allows); taking the rush back brings it down again."""
    model = ctx.model
    fund = next((c for c in model.draft if isinstance(c, Fund) and c.program == pid), None)
    standard = next((f for f in model.legal_of(Fund) if f.program == pid), None)
    if standard is None:
        return
    limit = ctx.outlook.fund_limit(pid, added, standard.amount)
    if fund is None:
        ctx.scene.amounts[(standard.KIND, pid)] = limit if added else standard.amount
        return
    left = readout.treasury(model) - model.spending()
    amount = min(limit, fund.amount + max(0, left)) if added else min(fund.amount, limit)
    model.add_order(replace(fund, amount=max(1, amount)))


def _new_missions(ctx: PanelContext) -> None:
    """The missions that may start, each with its true price, its odds step by step and
    what it can still earn."""
    model = ctx.model
    starts = model.legal_of(StartMission)
    chosen = ctx.scene.selected_site
    ctx.heading("New mission" + (f" at {_site_name(ctx, chosen)}" if chosen else ""))
    if chosen:
        shown = [c for c in starts if c.site in (chosen, "orbit")]
    else:
        # One line per kind of mission; the other targets are a click on the Moon away.
        ctx.note("One target per mission shown: click a site on the Moon for all of its.")
        firsts: dict[tuple[str, str, bool], StartMission] = {}
        for c in starts:
            firsts.setdefault((c.mission_type, c.module, c.commercial), c)
        shown = list(firsts.values())
    look = ctx.outlook
    for c in shown[:40]:
        mission = model.content.missions.get(c.mission_type)
        turns = f" over {mission.build_turns} turns" if mission else ""
        module = model.content.modules.get(c.module)
        extra = f" ({module.name if module else c.module})" if c.module else ""
        commercial = ", commercial launch" if c.commercial else ""
        odds = look.start_odds(c)
        earned = outlook.earnings_text(look.earnings(c))
        ctx.row(
            f"<b>{escape(_mission_name(ctx, c.mission_type))}{escape(extra)}</b> to "
            f"{escape(_site_name(ctx, c.site))}{commercial}<br>"
            f"<font color='#f0c060'>${look.price(c):,}M</font>"
            f"<font color='#8a96ad'>{turns}, success {percent(float(odds['chance']))}: "
            f"{outlook.odds_steps_html(odds)}<br>earns {escape(earned)}</font>",
            [_action(ctx, "Start", c, "Open this program; fund it over the next turns.")],
            action_w=70,
        )
        _refusal_note(ctx, c)
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
    if _spectator_note(ctx):
        return
    options = [c for c in model.legal_of(Research) if c.tech == tid]
    info = readout.own_tech(model, tid)
    treasury = readout.treasury(model)
    for c in options:
        limit = min(int(info.get("limit", c.amount) or c.amount), treasury)
        _amount_row(ctx, f"Research {escape(tech.name)}", c, limit, "Spend this on it this turn.")
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
    if model.seat is not None:
        _inbox(ctx)
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
            terms = escape(wording.terms_text(model, list(bloc.get("terms", []))))
            ctx.html(
                f"<b>{escape(str(bloc.get('name', bloc.get('id'))))}</b>: {members}"
                f"<br><font color='#8a96ad'>{terms}</font>",
                lines=2,
            )
    if _spectator_note(ctx):
        return
    treaties = readout.treaties(view)
    if treaties:
        ctx.heading("Your treaties")
        withdraws = {w.agreement: w for w in model.legal_of(Withdraw)}
        for treaty in treaties:
            tid = str(treaty.get("id", ""))
            text = escape(wording.agreement_text(model, treaty))
            terms = escape(wording.terms_text(model, list(treaty.get("terms", []))))
            withdraw = withdraws.get(tid)
            ctx.row(
                f"{text}<br><font color='#8a96ad'>{terms}</font>",
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
    proposes = readout.proposals_worth_making(model)
    if proposes:
        ctx.heading("Propose")
        for propose in proposes:
            what = wording.proposal_subject(model, propose.treaty, propose.bloc)
            offered = readout.proposal_terms(model, propose)
            ctx.row(
                f"{escape(what[:1].upper() + what[1:])} with {_agency(ctx, propose.to)}"
                f"<br><font color='#8a96ad'>{escape(wording.terms_text(model, offered))}</font>",
                [_action(ctx, "Propose", propose, "They answer in a later turn.")],
            )
            _refusal_note(ctx, propose)


def _inbox(ctx: PanelContext) -> None:
    """Proposals waiting for the seat's answer, newest last, each with what it offers, what
    it would do and the last turn to answer it."""
    model = ctx.model
    waiting = readout.inbox(model)
    ctx.heading(f"Proposals to you ({len(waiting)})" if waiting else "Proposals to you")
    if not waiting:
        ctx.note("None waiting.")
        return
    for item in waiting:
        ctx.html(readout.inbox_html(model, item), lines=2)
        ctx.row(
            "",
            [
                _action(
                    ctx,
                    "Accept" if answer.accept else "Decline",
                    answer,
                    "Your answer is read when the turn resolves.",
                )
                for answer in item.answers
            ],
        )
        _refusal_note(ctx, *item.answers)


# -- stations -------------------------------------------------------------------------------
def _stations(ctx: PanelContext) -> None:
    model = ctx.model
    ctx.heading("Presence race")
    ctx.html(readout.presence_html(model), lines=2)
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
            _refusal_note(ctx, *options)


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

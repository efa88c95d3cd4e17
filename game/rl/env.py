"""A PettingZoo `ParallelEnv` in which every agent plays one agency through the rules.

**Turns as a run of choices.** A Lunar Race turn is a set of orders given at once. Here an
agent gives them one at a time: each step it picks one of its legal commands (or ends its
turn), and when every agent has ended its turn the turn resolves with `resolve_turn`. An
agent that has ended its turn may only answer `END_TURN` until the next one; at most 64
orders a turn (the rules' limit), after which the turn ends by itself.

**Actions.** `Discrete(1 + SLOTS * len(BUCKETS))`: action 0 is `END_TURN`; action
`1 + slot * len(BUCKETS) + bucket` is the legal command at `slot` of this turn's legal list
(`legal_commands`, in its own stable order; the list rarely reaches 450 and is cut at
`SLOTS`), where a command that carries an amount (`research`, `fund`) pays that share of
its standard amount (`BUCKETS`) and any other command is taken with the last bucket. The
`action_mask` allows exactly the commands that still fit with those already chosen this
turn: nothing acting on the same thing twice, no more money than the treasury, no more
programs than the economy allows (`OrderSheet`, the same statement of the rule the server
uses). A masked action is taken as `END_TURN`.

**Observations.** `{"observation": float32 vector, "action_mask": int8 vector}`. The vector
holds the agency's own numbers, every seat's prestige, standing, support and relation to it
(its own seat first), and for each slot of the legal list the command's kind and cost.
`infos[agent]` holds what a search or language-model agent reads instead: the `view`, the
`legal` commands in wire form (slot order) and the `orders` chosen so far this turn.

**Rewards.** 1 to each winner and 0 to the others when the match ends; with `shaping`
above 0, also `shaping` times the change of the agency's standing (in units of the field's
mean) at each resolved turn. Agencies that are not agents are played by bots (`opponents`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv
from pettingzoo.utils.conversions import parallel_to_aec
from pettingzoo.utils.env import AECEnv

from game import rules
from game.ai import Bot, create_bot, seat_seed

END_TURN = 0
SLOTS = 512  # legal commands an agent can choose from in a turn
BUCKETS = (0.25, 0.5, 1.0)  # shares of the standard amount of research and funding
KINDS = rules.COMMAND_KINDS
MAX_SEATS = 8
MONEY = 1000.0  # $M a unit of the features
LIMIT = 10.0  # every feature lies in [-LIMIT, LIMIT]
_OWN = 11  # features of the agency itself
_CHANGING = slice(7, 11)  # those of them that change as the agent chooses
_SEAT = 5  # features of each seat
_SLOT = len(KINDS) + 2  # features of each slot: kind, cost, whether it carries an amount
OBSERVATION_SIZE = _OWN + MAX_SEATS * _SEAT + SLOTS * _SLOT
ACTIONS = 1 + SLOTS * len(BUCKETS)
_AMOUNT_KINDS = (rules.Research, rules.Fund)
_KIND_INDEX = {kind: i for i, kind in enumerate(KINDS)}


class _AgentTurn:
    """One agent's choices in the current turn: its legal list, what is still allowed, and
    the orders chosen so far."""

    def __init__(self, state: rules.State, agency: str) -> None:
        self.view = rules.view(state, agency)
        self.legal = rules.legal_commands(state, agency)[:SLOTS]
        self.wire = [c.to_wire() for c in self.legal]
        self.sheet = rules.OrderSheet.for_state(state, agency)
        self.orders: list[rules.Command] = []
        self.wire_orders: list[dict[str, Any]] = []
        self.done = False
        self.base: np.ndarray | None = None  # the observation's parts fixed for the turn
        n = len(self.legal)
        buckets = len(BUCKETS)
        # Orders that act on the same thing share a group: the sheet says which clash.
        probe = rules.OrderSheet.for_state(state, agency)
        first: dict[rules.Command, int] = {}
        groups: list[int] = []
        costs: list[tuple[float, ...]] = []
        full: list[int] = []
        for i, cmd in enumerate(self.legal):
            other = probe.clash(cmd)
            if other is None:
                first[cmd] = i
                probe.take(cmd, 0)
            groups.append(i if other is None else first[other])
            full.append(probe.cost(cmd))
            if isinstance(cmd, _AMOUNT_KINDS):
                costs.append(tuple(_share(cmd.amount, b) for b in BUCKETS))
            else:
                costs.append((np.inf,) * (buckets - 1) + (full[-1],))
        rows = np.arange(n)
        self.cost = np.full((SLOTS, buckets), np.inf)
        self.group = np.full(SLOTS, -1, dtype=np.int64)
        self.starts = np.zeros(SLOTS, dtype=bool)
        self.slots = np.zeros((SLOTS, _SLOT), dtype=np.float32)
        if n:
            self.cost[:n] = costs
            self.group[:n] = groups
            self.starts[:n] = [isinstance(c, rules.StartMission) for c in self.legal]
            self.slots[rows, [_KIND_INDEX[c.KIND] for c in self.legal]] = 1.0
            self.slots[:n, len(KINDS)] = np.minimum(LIMIT, np.asarray(full) / MONEY)
            self.slots[:n, -1] = [isinstance(c, _AMOUNT_KINDS) for c in self.legal]
        self.allowed = np.zeros((SLOTS, buckets), dtype=bool)
        self.allowed[:n] = np.isfinite(self.cost[:n])
        self._refresh()

    def _refresh(self) -> None:
        left = self.sheet.left
        fits = self.allowed & (self.cost <= left)
        if self.sheet.programs >= self.sheet.most_programs:
            fits[self.starts] = False
        self.mask = np.zeros(ACTIONS, dtype=np.int8)
        self.mask[END_TURN] = 1
        if not self.done:
            self.mask[1:] = fits.reshape(-1)

    def choose(self, action: int) -> None:
        """Take an action: a command onto the sheet, or the end of the turn."""
        if self.done:
            return
        if action == END_TURN or not 0 <= action < ACTIONS or not self.mask[action]:
            self.finish()
            return
        slot, bucket = divmod(action - 1, len(BUCKETS))
        cmd = self.legal[slot]
        if isinstance(cmd, _AMOUNT_KINDS):
            cmd = dataclasses.replace(cmd, amount=_share(cmd.amount, BUCKETS[bucket]))
        self.sheet.take(cmd, int(self.cost[slot, bucket]))
        self.orders.append(cmd)
        self.wire_orders.append(cmd.to_wire())
        self.allowed[self.group == self.group[slot]] = False
        if len(self.orders) >= self.sheet.most:
            self.finish()
        else:
            self._refresh()

    def finish(self) -> None:
        self.done = True
        self._refresh()


def _share(amount: int, bucket: float) -> int:
    return max(1, round(amount * bucket))


class LunarRaceEnv(ParallelEnv):
    """Lunar Race for several learning agents at once; see the module docstring."""

    metadata = {"name": "lunar_race_v0", "render_modes": []}
    render_mode = None

    def __init__(
        self,
        *,
        scenario: str = "2021",
        agents: list[str] | None = None,
        opponents: Mapping[str, str] | None = None,
        opponent: str = "greedy",
        turns: int | None = None,
        shaping: float = 0.0,
    ) -> None:
        """`agents`: the agencies the learners play (default every seat); the others are
        played by bots, `opponents` (agency -> bot spec) or else `opponent`. `turns`
        cuts the match short."""
        seats = list(rules.new_match(scenario, seed=0, turns=turns).agencies)
        self.scenario = scenario
        self.turns = turns
        self.shaping = shaping
        self.possible_agents = list(agents) if agents is not None else seats
        unknown = sorted(set(self.possible_agents) - set(seats))
        if unknown or len(seats) > MAX_SEATS:
            raise ValueError(f"no seat for {unknown} (seats: {seats})")
        self.bot_specs = {
            a: (opponents or {}).get(a, opponent) for a in seats if a not in self.possible_agents
        }
        self.agents: list[str] = []
        self.match: rules.State | None = None
        self._turns: dict[str, _AgentTurn] = {}
        self._bots: dict[str, Bot] = {}
        self._standing: dict[str, int] = {}
        # One space object for every agent and every call, as PettingZoo's tests expect.
        self._observation_space = spaces.Dict(
            {
                "observation": spaces.Box(-LIMIT, LIMIT, (OBSERVATION_SIZE,), np.float32),
                "action_mask": spaces.Box(0, 1, (ACTIONS,), np.int8),
            }
        )
        self._action_space = spaces.Discrete(ACTIONS)

    def observation_space(self, agent: str) -> spaces.Dict:
        return self._observation_space

    def action_space(self, agent: str) -> spaces.Discrete:
        return self._action_space

    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**63))  # type: ignore[operator]
        self.match = rules.new_match(self.scenario, seed=seed, turns=self.turns)
        self._bots = {a: create_bot(s, a, seat_seed(seed, a)) for a, s in self.bot_specs.items()}
        self.agents = list(self.possible_agents)
        self._standing = rules.standings(self.match)
        self._begin_turn()
        return self._observations(), self._infos()

    def step(
        self, actions: Mapping[str, Any]
    ) -> tuple[dict[str, Any], dict[str, float], dict[str, bool], dict[str, bool], dict[str, Any]]:
        state = self.match
        if state is None or not self.agents:
            raise RuntimeError("reset() the environment before step()")
        for agent in self.agents:
            self._turns[agent].choose(int(actions.get(agent, END_TURN)))
        rewards = dict.fromkeys(self.agents, 0.0)
        over = False
        if all(self._turns[a].done for a in self.agents):
            over = self._resolve(rewards)
        observations, infos = self._observations(), self._infos()
        terminations = dict.fromkeys(self.agents, over)
        truncations = dict.fromkeys(self.agents, False)
        if over:
            self.agents = []
        return observations, rewards, terminations, truncations, infos

    def _resolve(self, rewards: dict[str, float]) -> bool:
        """Resolve the turn with every agent's orders and the bots'; True when it ends the
        match. Adds each agent's rewards for the turn."""
        state = self.match
        assert state is not None
        orders = {a: self._turns[a].orders for a in self.agents}
        for agency, bot in self._bots.items():
            orders[agency] = bot.decide(
                rules.view(state, agency), rules.legal_commands(state, agency)
            )
        state, _ = rules.resolve_turn(state, orders)
        self.match = state
        standing = rules.standings(state)
        for agent in self.agents:
            change = standing[agent] - self._standing[agent]
            rewards[agent] += self.shaping * change / 1000
        self._standing = standing
        if state.outcome is not None:
            for agent in self.agents:
                rewards[agent] += 1.0 if agent in state.outcome.winners else 0.0
            return True
        self._begin_turn()
        return False

    def _begin_turn(self) -> None:
        assert self.match is not None
        self._turns = {a: _AgentTurn(self.match, a) for a in self.agents}

    def _observations(self) -> dict[str, Any]:
        return {a: self._observe(a) for a in self.agents}

    def _infos(self) -> dict[str, Any]:
        return {
            a: {
                "view": turn.view,
                "legal": turn.wire,
                "orders": list(turn.wire_orders),
            }
            for a, turn in ((a, self._turns[a]) for a in self.agents)
        }

    def _observe(self, agent: str) -> dict[str, np.ndarray]:
        turn = self._turns[agent]
        if turn.base is None:
            turn.base = self._base_vector(agent, turn)
        vector = turn.base.copy()
        sheet = turn.sheet
        vector[_CHANGING] = (
            sheet.left / MONEY,
            len(turn.orders) / sheet.most,
            sheet.programs / max(1, sheet.most_programs),
            float(turn.done),
        )
        np.clip(vector[_CHANGING], -LIMIT, LIMIT, out=vector[_CHANGING])
        return {"observation": vector, "action_mask": turn.mask.copy()}

    def _base_vector(self, agent: str, turn: _AgentTurn) -> np.ndarray:
        """The observation as the turn begins; only the `_CHANGING` features move after."""
        view = turn.view
        me = view["me"]
        last = max(1, view["last_turn"])
        own = [
            view["turn"] / last,
            me["treasury"] / MONEY,
            me["income"] / MONEY,
            me["budget"] / MONEY,
            me["dues"] / MONEY,
            me["support"] / 100,
            len(me["known"]) / max(1, len(me["techs"])),
            0.0,  # the _CHANGING four: money left, orders, programs, turn ended
            0.0,
            0.0,
            0.0,
        ]
        order = [agent, *(a for a in view["seats"] if a != agent)]
        relations = view["relations"].get(agent, {})
        for other in order:
            public = view["agencies"][other]
            own += [
                1.0,
                public["prestige"] / 1000,
                public["standing"] / 1000,
                public["support"] / 100,
                relations.get(other, 0) / 100,
            ]
        own += [0.0] * (_SEAT * (MAX_SEATS - len(order)))
        vector = np.concatenate([np.asarray(own, dtype=np.float32), turn.slots.reshape(-1)])
        np.clip(vector, -LIMIT, LIMIT, out=vector)
        return vector

    @property
    def state_of_match(self) -> rules.State | None:
        """The full state, for search (`State.clone()`); a learner sees only its view."""
        return self.match

    def render(self) -> None:
        return None

    def close(self) -> None:
        return None


def aec_env(**kwargs: Any) -> AECEnv:
    """The same environment in PettingZoo's agent-by-agent (AEC) form."""
    return parallel_to_aec(LunarRaceEnv(**kwargs))

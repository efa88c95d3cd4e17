#!/usr/bin/env node
// An example Lunar Race bot in JavaScript, built on kit.js. Run it in a match with
//
//     lunar-race match 'nasa=cmd:node examples/js/bot.js'
//
// or seat it in a room on a server with
//
//     lunar-race bot --connect ws://HOST:8765 --room ROOM --bot 'cmd:node examples/js/bot.js'
//
// It plays carefully: it accepts every proposal, flies every program that is ready, pays
// every program on schedule, puts a third of its income into research (what it has started
// first) and opens the cheapest mission it can afford while nothing of its own is built.
"use strict";

const { OrderSheet, play } = require("./kit.js");

function byKind(legal) {
  const groups = {};
  for (const command of legal) {
    (groups[command.kind] = groups[command.kind] || []).push(command);
  }
  return groups;
}

function decide(view, legal) {
  const me = view.me;
  const sheet = new OrderSheet(me.treasury);
  const kinds = byKind(legal);

  for (const answer of kinds.answer || []) {
    if (answer.accept) {
      sheet.add(answer);
    }
  }
  for (const launch of kinds.launch || []) {
    sheet.add(launch);
  }
  for (const fund of kinds.fund || []) {
    const amount = Math.min(fund.amount, sheet.left);
    if (amount > 0) {
      sheet.add({ ...fund, amount }, amount);
    }
  }

  const research = (kinds.research || []).slice();
  research.sort(
    (a, b) =>
      me.techs[b.tech].paid - me.techs[a.tech].paid ||
      a.amount - b.amount ||
      a.tech.localeCompare(b.tech)
  );
  let budget = Math.min(sheet.left, Math.floor(me.income / 3));
  for (const command of research) {
    const amount = Math.min(command.amount, budget);
    if (amount > 0 && sheet.add({ ...command, amount }, amount)) {
      budget -= amount;
    }
  }

  const building = Object.values(view.programs).filter(
    (p) => p.agency === me.agency && p.phase === "building"
  );
  if (building.length === 0) {
    const costs = me.mission_costs;
    const starts = (kinds.start_mission || []).filter(
      (c) => !c.commercial && !c.module && costs[c.mission_type] <= 3 * sheet.left
    );
    starts.sort(
      (a, b) => costs[a.mission_type] - costs[b.mission_type] || a.site.localeCompare(b.site)
    );
    if (starts.length > 0) {
      sheet.add(starts[0]);
    }
  }
  return sheet.orders;
}

play("example-js-bot", decide);

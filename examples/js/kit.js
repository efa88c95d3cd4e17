// The Lunar Race bot kit for Node.js: the JSON-lines protocol (docs/bots.md) in one module.
//
// It reads one JSON object per line on stdin and writes one per line on stdout; logs go to
// stderr. A bot gives `play` a function that turns a view and its legal commands into a
// turn's orders; `play` answers `hello`, sends `ready`, answers every `turn` and exits at
// `end`. Nothing here knows the game's rules: those come in the view and the legal list.
"use strict";

const readline = require("readline");

// Send one protocol message as a JSON line.
function send(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

// A line for the host's crash report (stderr; never stdout, which carries the protocol).
function log(text) {
  process.stderr.write(`[js bot] ${text}\n`);
}

// Orders under construction: one order per tech, program or proposal, never more money than
// the treasury, at most 64 orders - the checks the host would otherwise refuse an order for.
class OrderSheet {
  constructor(treasury) {
    this.left = treasury;
    this.orders = [];
    this.used = new Set();
  }

  // The thing an order is about, so that no two orders are about the same thing.
  static about(command) {
    switch (command.kind) {
      case "research":
        return `research:${command.tech}`;
      case "answer":
        return `answer:${command.proposal}`;
      case "start_mission":
        return `start:${command.mission_type}:${command.site}:${command.module}`;
      case "propose":
        return `propose:${command.to}:${command.treaty}:${command.bloc}:${command.program}`;
      case "withdraw":
        return `withdraw:${command.agreement}`;
      case "set_access":
        return `access:${command.station}`;
      case "buy_service":
        return `service:${command.service}`;
      default:
        return `program:${command.program}`;
    }
  }

  // Add `command` if it fits; `cost` is the money it commits. Returns whether it was added.
  add(command, cost = 0) {
    const key = OrderSheet.about(command);
    if (this.used.has(key) || cost > this.left || this.orders.length >= 64) {
      return false;
    }
    this.used.add(key);
    this.orders.push(command);
    this.left -= cost;
    return true;
  }
}

// Play a match: `decide(view, legal, message)` returns the orders of one turn.
function play(name, decide) {
  const lines = readline.createInterface({ input: process.stdin, terminal: false });
  lines.on("line", (line) => {
    if (!line.trim()) {
      return;
    }
    const message = JSON.parse(line);
    if (message.type === "hello") {
      log(`playing ${message.agency} (protocol ${message.protocol})`);
      send({ type: "ready", name });
    } else if (message.type === "turn") {
      for (const fault of message.faults) {
        log(`turn ${fault.turn}: ${fault.kind}: ${fault.detail}`);
      }
      let orders = [];
      try {
        orders = decide(message.view, message.legal, message);
      } catch (error) {
        log(`no orders this turn: ${error.stack || error}`);
      }
      send({ type: "orders", turn: message.turn, orders });
    } else if (message.type === "end") {
      const winners = (message.outcome && message.outcome.winners) || [];
      log(`match over, won by ${winners.join(", ") || "nobody"}`);
      lines.close();
    }
  });
  lines.on("close", () => process.exit(0));
}

module.exports = { OrderSheet, log, play, send };

// mocha's configuration for `npm test` (the engine and discover suites have their own).
"use strict";
const fs = require("fs");

// This machine points Node at a CA bundle (NODE_EXTRA_CA_CERTS), and every Node process then parses
// it at start-up: 0.12 CPU-s each, for the about 45 processes the suite starts (workers, the
// stand-in CLI, signal children). No test opens a TLS connection, so the workers and their
// children go without it.
delete process.env.NODE_EXTRA_CA_CERTS;

// Files that run longest, mostly waiting on child processes, start first: mocha hands files to its two
// workers in list order, and one of these last would run alone while the other worker sits idle
// (about 2 s of 32 on this machine).
const FIRST = [
    "test/rollback.test.ts",
    "test/automationStack.test.ts",
    "test/workflow.test.ts",
    "test/cliCommands.test.ts",
    "test/policyPackEntry.test.ts",
    "test/rollbackRun.test.ts",
    "test/secretConfig.test.ts",
    "test/rollbackSignals.test.ts",
    "test/plan.test.ts",
    "test/adoption.test.ts",
];
const all = fs
    .readdirSync("test")
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => `test/${name}`)
    .sort();

module.exports = {
    require: ["ts-node/register/transpile-only", "test/unmappedPulumiStacks.ts", "test/rootHooks.ts", "test/tempDirs.ts"],
    spec: [...FIRST.filter((file) => all.includes(file)), ...all.filter((file) => !FIRST.includes(file))],
    timeout: 60000,
    parallel: true,
    jobs: 2,
    reporter: "./test/reporter.js",
};

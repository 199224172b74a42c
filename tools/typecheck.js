#!/usr/bin/env node
// The type-check of `npm test`: `tsc -b` over the repository (tsconfig.json) and over the policy pack
// under the pack's own compilerOptions (tsconfig.policies.json, as run-policy-pack compiles it when the
// pack is published alone), each with the incremental build file its config names, kept in this
// checkout (not in node_modules, which worktrees may share through a link). tsc -b judges "up to date"
// by the times of the project's own files alone, so:
// - after npm installs or updates a dependency (npm rewrites node_modules/.package-lock.json on every
//   install) the build files are dropped and every file is checked against the new declarations, and the
//   pack's when policies/package.json changed;
// - the build files are dated when the check started, so a file saved while it ran is checked next time.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const installed = path.join(root, "node_modules/.package-lock.json");
// Each project, and the files outside its sources that tsc -b does not watch but its result depends on:
// the pack's package.json decides its module format (CommonJS or ESM).
const projects = [
    { config: "tsconfig.json", inputs: [installed] },
    { config: "tsconfig.policies.json", inputs: [installed, path.join(root, "policies/package.json")] },
].map(({ config, inputs }) => {
    const file = path.join(root, config);
    return { file, inputs, buildInfo: path.join(root, require(file).compilerOptions.tsBuildInfoFile) };
});

const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : Infinity);
for (const { buildInfo, inputs } of projects) {
    if (fs.existsSync(buildInfo) && inputs.some((input) => mtime(input) >= mtime(buildInfo))) fs.rmSync(buildInfo);
}
const started = new Date();
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-b", ...projects.map((p) => p.file)], { stdio: "inherit" });
for (const { buildInfo } of projects) if (fs.existsSync(buildInfo)) fs.utimesSync(buildInfo, started, started);
process.exitCode = tsc.status ?? 1;

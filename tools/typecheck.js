#!/usr/bin/env node
// The type-check of `npm test`: `tsc -b` over the repository (tsconfig.json) and over the policy pack
// under the pack's own compilerOptions (tsconfig.policies.json, as run-policy-pack compiles it when the
// pack is published alone), each with the incremental build file its config names, kept in this
// checkout (not in node_modules, which worktrees may share through a link). tsc -b judges "up to date"
// by the times of the project's own files alone, so:
// - after npm installs or updates a dependency (npm rewrites node_modules/.package-lock.json on every
//   install) the build files are dropped and every file is checked against the new declarations;
// - the build files are dated when the check started, so a file saved while it ran is checked next time.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const projects = ["tsconfig.json", "tsconfig.policies.json"].map((name) => path.join(root, name));
const buildInfos = projects.map((project) => path.join(root, require(project).compilerOptions.tsBuildInfoFile));
const installed = path.join(root, "node_modules/.package-lock.json");

const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : Infinity);
for (const buildInfo of buildInfos) if (fs.existsSync(buildInfo) && mtime(installed) >= mtime(buildInfo)) fs.rmSync(buildInfo);
const started = new Date();
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-b", ...projects], { stdio: "inherit" });
for (const buildInfo of buildInfos) if (fs.existsSync(buildInfo)) fs.utimesSync(buildInfo, started, started);
process.exitCode = tsc.status ?? 1;

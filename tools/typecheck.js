#!/usr/bin/env node
// The type-check of `npm test`: `tsc -b` with the incremental build file tsconfig.json names, kept in
// this checkout (not in node_modules, which worktrees may share through a link). tsc -b judges "up to
// date" by the times of the project's own files alone, so:
// - after npm installs or updates a dependency (npm rewrites node_modules/.package-lock.json on every
//   install) the build file is dropped and every file is checked against the new declarations;
// - the build file is dated when the check started, so a file saved while it ran is checked next time.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const buildInfo = path.join(root, require("../tsconfig.json").compilerOptions.tsBuildInfoFile);
const installed = path.join(root, "node_modules/.package-lock.json");

const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : Infinity);
if (fs.existsSync(buildInfo) && mtime(installed) >= mtime(buildInfo)) fs.rmSync(buildInfo);
const started = new Date();
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-b", path.join(root, "tsconfig.json")], { stdio: "inherit" });
if (fs.existsSync(buildInfo)) fs.utimesSync(buildInfo, started, started);
process.exitCode = tsc.status ?? 1;

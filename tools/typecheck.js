#!/usr/bin/env node
// The type-check of `npm test`: `tsc -b` with the incremental build file tsconfig.json names. tsc -b
// judges "up to date" by the project's own files alone, so after npm installs or updates a dependency
// (npm rewrites node_modules/.package-lock.json on every install) the build file is dropped and every
// file is checked against the new declarations.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const buildInfo = path.join(root, "node_modules/.cache/tsc/check.tsbuildinfo");
const installed = path.join(root, "node_modules/.package-lock.json");

const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : Infinity);
if (fs.existsSync(buildInfo) && mtime(installed) >= mtime(buildInfo)) fs.rmSync(buildInfo);
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-b", path.join(root, "tsconfig.json")], { stdio: "inherit" });
process.exitCode = tsc.status ?? 1;

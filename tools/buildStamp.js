// Whether out/ (compiled by `npm run build`) is newer than every source file, so the compiled tools may run.
"use strict";
const fs = require("fs");
const path = require("path");

const SOURCE_DIRS = ["components", "config", "policies", "tools", "bench", "simulator"];

function newestSource(root) {
    let newest = fs.statSync(path.join(root, "index.ts")).mtimeMs;
    const walk = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory() && entry.name !== "node_modules") walk(full);
            else if (entry.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(full).mtimeMs);
        }
    };
    for (const dir of SOURCE_DIRS) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
    return newest;
}

function stampOf(root) {
    return path.join(root, "out", ".tsbuildinfo");
}

function isBuildCurrent(root) {
    const stamp = stampOf(root);
    return fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= newestSource(root);
}

module.exports = { isBuildCurrent, stampOf };

#!/usr/bin/env node
// The package's one command: runs tools/main through the launcher (compiled out/ when current).
"use strict";
process.argv.splice(2, 0, "tools/main");
require("../tools/launch.js");

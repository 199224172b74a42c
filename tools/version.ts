import * as fs from "fs";
import * as path from "path";

/** This package's version, read from the package.json above this module (source or out/). */
export function packageVersion(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
            if (pkg.name === "egress-remediation" && pkg.version) return pkg.version;
        }
        if (path.dirname(dir) === dir) return "unknown";
    }
}

import * as fs from "fs";
import * as path from "path";

interface Manifest {
    readonly name?: string;
    readonly version?: string;
    readonly dependencies?: Record<string, string>;
}

/** This package's package.json, found above this module (source or out/). */
export function packageManifest(): Manifest | undefined {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
            if (manifest.name === "egress-remediation") return manifest;
        }
        if (path.dirname(dir) === dir) return undefined;
    }
}

export function packageVersion(): string {
    return packageManifest()?.version ?? "unknown";
}

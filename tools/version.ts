import * as fs from "fs";
import * as path from "path";

interface Manifest {
    readonly name?: string;
    readonly version?: string;
    readonly dependencies?: Record<string, string>;
}

/**
 * The folder holding this package's package.json, found above this module: the repository, whether the
 * module runs from source or compiled in out/ (where `../..` would be out/ itself).
 */
export function packageRoot(): string | undefined {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file) && (JSON.parse(fs.readFileSync(file, "utf8")) as Manifest).name === "egress-remediation") return dir;
        if (path.dirname(dir) === dir) return undefined;
    }
}

/** This package's package.json. */
export function packageManifest(): Manifest | undefined {
    const root = packageRoot();
    return root ? (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as Manifest) : undefined;
}

export function packageVersion(): string {
    return packageManifest()?.version ?? "unknown";
}

import * as fs from "fs";
import * as path from "path";

interface Manifest {
    readonly name?: string;
    readonly version?: string;
    readonly dependencies?: Record<string, string>;
}

/** This package's folder and package.json, found above this module (source or out/), read once. */
function findPackage(): { root: string; manifest: Manifest } | undefined {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
            if (manifest.name === "egress-remediation") return { root: dir, manifest };
        }
        if (path.dirname(dir) === dir) return undefined;
    }
}

/**
 * The folder holding this package's package.json: the repository, whether the module runs from source or
 * compiled in out/ (where `../..` would be out/ itself).
 */
export function packageRoot(): string | undefined {
    return findPackage()?.root;
}

export function packageManifest(): Manifest | undefined {
    return findPackage()?.manifest;
}

export function packageVersion(): string {
    return packageManifest()?.version ?? "unknown";
}

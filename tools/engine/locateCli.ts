import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { packageManifest } from "../version";

const NEEDED = ["pulumi", "pulumi-language-nodejs"];

function hasEngine(dir: string): boolean {
    return NEEDED.every((name) => {
        try {
            fs.accessSync(path.join(dir, name), fs.constants.X_OK);
            return true;
        } catch {
            return false;
        }
    });
}

/** The version of the Node SDK package.json pins: engine/build.sh builds the CLI of that version. */
function pinnedSdkVersion(): string | undefined {
    return packageManifest()?.dependencies?.["@pulumi/pulumi"];
}

/** The newest folder engine/build.sh left in its cache for the pinned version, if any. */
function builtEngine(env: NodeJS.ProcessEnv): string | undefined {
    const cache = env.ENGINE_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "egress-remediation", "engine");
    if (!fs.existsSync(cache)) return undefined;
    const prefix = `pulumi-v${pinnedSdkVersion()}-`;
    return fs
        .readdirSync(cache)
        .filter((name) => name.startsWith(prefix) && !name.includes(".partial."))
        .map((name) => path.join(cache, name))
        .filter(hasEngine)
        .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

export class NoCliError extends Error {}

/**
 * Where the rehearsal finds a Pulumi CLI with its Node language host: an explicit folder, else the user's
 * own install on the PATH (the language host ships beside `pulumi`), else the one engine/build.sh built.
 */
export function locateCli(explicitDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
    if (explicitDir) {
        if (!hasEngine(explicitDir)) throw new NoCliError(`--cli ${explicitDir}: needs the executables ${NEEDED.join(" and ")} in that folder`);
        return path.resolve(explicitDir);
    }
    const onPath = (env.PATH ?? "").split(path.delimiter).find((dir) => dir && hasEngine(dir));
    const found = onPath ?? builtEngine(env);
    if (!found) {
        throw new NoCliError(
            "no Pulumi CLI found: install Pulumi (pulumi and pulumi-language-nodejs on the PATH), build one with `npm run engine:build`, or pass --cli <folder>",
        );
    }
    return found;
}

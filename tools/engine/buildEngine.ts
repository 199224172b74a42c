import { execFileSync } from "child_process";
import * as path from "path";
import { packageRoot } from "../version";

const BUILD_SCRIPT = path.join(packageRoot() ?? path.resolve(__dirname, "../.."), "engine", "build.sh");

/**
 * The folder with the `pulumi` CLI and the Node language host that engine/build.sh builds (or finds in
 * its cache). Throws with the build's own output when it fails, e.g. with no Go toolchain.
 */
export function builtEngineDir(): string {
    const output = execFileSync("bash", [BUILD_SCRIPT], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    return output.trim().split("\n").pop()!;
}

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gunzipSync } from "zlib";
import { RollbackRefused } from "./planRollback";
import { Deployment } from "./stackOperations";

/** The folder of a `file://` backend URL (`pulumi whoami --json`'s `url`), or undefined for other backends. */
export function fileBackendDir(url: string | undefined): string | undefined {
    if (!url?.startsWith("file://")) return undefined;
    const rest = url.slice("file://".length);
    if (rest === "~" || rest.startsWith("~/")) return path.join(os.homedir(), rest.slice(1));
    return path.resolve(rest);
}

interface HistoryEntry {
    readonly stamp: bigint;
    readonly historyFile: string;
}

/**
 * The checkpoint a file backend saved after update `version`. After every update it writes
 * `.pulumi/history/<project>/<stack>/<stack>-<unix nanoseconds>.history.json` and a copy of the
 * stack's checkpoint beside it (`….checkpoint.json`; `.gz` when compressed); version N is the
 * N-th pair from the oldest, as `numberVersions` numbers the history. `startTime` (seconds), when
 * given, must match the history entry, so a pruned folder cannot hand back the wrong checkpoint.
 */
export function fileBackendCheckpoint(backendDir: string, project: string, stack: string, version: number, startTime?: number): Deployment {
    const candidates = [path.join(backendDir, ".pulumi", "history", project, stack), path.join(backendDir, ".pulumi", "history", stack)];
    const dir = candidates.find((d) => fs.existsSync(d));
    if (!dir) throw new RollbackRefused(`the file backend at ${backendDir} keeps no history for stack ${stack} (looked in ${candidates.join(" and ")})`);
    const pattern = new RegExp(`^${stack.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-(\\d+)\\.history\\.json(\\.gz|\\.zst)?$`);
    const entries: HistoryEntry[] = fs
        .readdirSync(dir)
        .map((name) => ({ name, match: pattern.exec(name) }))
        .filter((e) => e.match)
        .map((e) => ({ stamp: BigInt(e.match![1]), historyFile: path.join(dir, e.name) }))
        .sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : 0));
    const entry = entries[version - 1];
    if (!entry) throw new RollbackRefused(`the file backend keeps ${entries.length} checkpoint(s) for stack ${stack}; there is no version ${version}`);

    if (startTime !== undefined) {
        const recorded = (JSON.parse(readMaybeCompressed(entry.historyFile)) as { startTime?: number }).startTime;
        if (recorded !== startTime)
            throw new RollbackRefused(
                `history file ${entry.historyFile} does not belong to update ${version} (its start time differs); the history folder changed`,
            );
    }
    const checkpointFile = entry.historyFile.replace(".history.json", ".checkpoint.json");
    if (!fs.existsSync(checkpointFile)) throw new RollbackRefused(`update ${version} has no saved checkpoint (${checkpointFile} is missing)`);
    const saved = JSON.parse(readMaybeCompressed(checkpointFile)) as {
        version: number;
        features?: string[];
        checkpoint?: { latest?: Deployment["deployment"] };
    };
    if (!saved.checkpoint?.latest) throw new RollbackRefused(`${checkpointFile} holds no deployment (an update that left the stack empty?)`);
    return { version: saved.version, ...(saved.features ? { features: saved.features } : {}), deployment: saved.checkpoint.latest };
}

function readMaybeCompressed(file: string): string {
    if (file.endsWith(".zst")) throw new RollbackRefused(`${file} is zstd-compressed; decompress it (zstd -d) and use pulumi stack import by hand`);
    const bytes = fs.readFileSync(file);
    return (file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
}

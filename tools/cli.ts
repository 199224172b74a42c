import * as fs from "fs";
import * as path from "path";
import { PackConfig, PolicyConfigError, preparePolicies } from "./offline/evaluatePolicies";
import { JsonFileError, readJsonFile as readJson } from "./offline/readJson";

/** Bad usage or input: the command prints the message (one line) and exits 2, or 1 when `code` says so. */
export class UsageError extends Error {
    constructor(
        message: string,
        readonly code: 1 | 2 = 2,
    ) {
        super(message);
    }
}

/** Stops the command: `run` prints the message as one line on stderr and exits with `code`. */
export function stop(message: string, code: 1 | 2 = 2): never {
    throw new UsageError(message, code);
}

export function readJsonFile(file: string, what: string): unknown {
    try {
        return readJson(file);
    } catch (error) {
        if (error instanceof JsonFileError) stop(`${what} ${file} ${error.message}`);
        throw error;
    }
}

/** Writes a JSON document to `--out`, creating nothing on failure but the file itself. */
export function writeJsonFile(file: string, document: unknown): void {
    try {
        fs.writeFileSync(file, JSON.stringify(document) + "\n");
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = code === "ENOENT" ? `folder ${path.dirname(file)} does not exist` : code === "EISDIR" ? "it is a folder" : (code ?? "unknown error");
        stop(`--out ${file}: cannot write (${reason})`);
    }
}

/** Reads `--policy-config` and validates it before any resource is read. */
/** The reviewed pack config CI passes as `--policy-pack-config`: recorded exemptions (docs/stages.md). */
export const DEFAULT_POLICY_CONFIG = path.join("policies", "exemptions.json");

/** `--policy-config`, else the project's policies/exemptions.json when it exists (what CI passes), else none. */
export function loadPolicyConfig(file: string | undefined): PackConfig {
    file ??= fs.existsSync(DEFAULT_POLICY_CONFIG) ? DEFAULT_POLICY_CONFIG : undefined;
    if (!file) return {};
    const config = readJsonFile(file, "--policy-config") as PackConfig;
    try {
        preparePolicies(config);
    } catch (error) {
        if (error instanceof PolicyConfigError) stop(`--policy-config ${file} ${error.message}`);
        throw error;
    }
    return config;
}

import * as fs from "fs";
import { PackConfig, PolicyConfigError, preparePolicies } from "./offline/evaluatePolicies";

/** Ends the process with one line on stderr and the given code: the shape of every usage and input error. */
export function fail(message: string, code: 1 | 2 = 2): never {
    process.stderr.write(`${message}\n`);
    process.exit(code);
}

export function readJsonFile(path: string, what: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(path, "utf8");
    } catch (error) {
        return fail(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    try {
        return JSON.parse(text);
    } catch (error) {
        return fail(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
    }
}

/** Reads `--policy-config` and validates it before any resource is read. */
export function loadPolicyConfig(file: string | undefined): PackConfig {
    if (!file) return {};
    const config = readJsonFile(file, "policy config") as PackConfig;
    try {
        preparePolicies(config);
    } catch (error) {
        if (error instanceof PolicyConfigError) fail(`--policy-config ${file} ${error.message}`);
        throw error;
    }
    return config;
}

import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "./schema";
import { namespaceProblems } from "./hints";
import { ConfigError, PROJECT, projectConfigFrom, projectKeyOf, validateStackConfig } from "./validate";

/**
 * Reads and validates this stack's config. Every problem is logged as its own error line and
 * the program stops with a RunError, which Pulumi prints without a stack trace.
 */
export function loadStackConfig(): StackConfig {
    const all = pulumi.runtime.allConfig();
    const raw = projectConfigFrom(all);
    const secretKeys = new Set(
        secretConfigKeys()
            .map(projectKeyOf)
            .filter((k): k is string => k !== undefined),
    );
    const result = validateStackConfig(raw, secretKeys);
    const misplaced = namespaceProblems(Object.keys(all), PROJECT);
    if (!result.ok || misplaced.length > 0) {
        throw new ConfigError([...misplaced, ...(result.ok ? [] : result.problems)]);
    }
    return result.config;
}

/** Keys set with `pulumi config set --secret`, as the language host passes them to the program. */
function secretConfigKeys(): string[] {
    try {
        const keys: unknown = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]");
        return Array.isArray(keys) ? keys.map(String) : [];
    } catch {
        return [];
    }
}

/** Re-throws config errors as a RunError so `pulumi preview` shows the lines, not a trace. */
export function asRunError(error: unknown): never {
    if (error instanceof ConfigError) {
        for (const problem of error.problems) void pulumi.log.error(problem);
        throw new pulumi.RunError(`stack config is invalid (${error.problems.length} problem(s)); see the lines above`);
    }
    throw error;
}

import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "./schema";
import { namespaceProblems } from "./hints";
import { runtimeSecretKeys, secretConfigProblems, unreadSecretKeyWarnings } from "./secretConfig";
import { ConfigError, PROJECT, projectConfigFrom, projectKeyOf, validateStackConfig } from "./validate";

/**
 * Reads and validates this stack's config. Every problem is logged as its own error line and
 * the program stops with a RunError, which Pulumi prints without a stack trace.
 */
export function loadStackConfig(): StackConfig {
    const all = pulumi.runtime.allConfig();
    const raw = projectConfigFrom(all);
    const secretFullKeys = runtimeSecretKeys();
    for (const warning of unreadSecretKeyWarnings(secretFullKeys)) void pulumi.log.warn(warning);
    const secretKeys = new Set(secretFullKeys.map(projectKeyOf).filter((k): k is string => k !== undefined));
    const result = validateStackConfig(raw, secretKeys);
    const misplaced = namespaceProblems(Object.keys(all), PROJECT);
    const problems = [...misplaced, ...secretConfigProblems(secretFullKeys, Object.keys(all)), ...(result.ok ? [] : result.problems)];
    if (problems.length > 0 || !result.ok) throw new ConfigError(problems);
    return result.config;
}

/** Re-throws config errors as a RunError so `pulumi preview` shows the lines, not a trace. */
export function asRunError(error: unknown): never {
    if (error instanceof ConfigError) {
        for (const problem of error.problems) void pulumi.log.error(problem);
        throw new pulumi.RunError(`stack config is invalid (${error.problems.length} problem(s)); see the lines above`);
    }
    throw error;
}

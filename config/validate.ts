import { z } from "zod";
import { closest, issueHint } from "./hints";
import { StackConfig, stackConfigSchema } from "./schema";
import { looksLikeSecretValue, secretNameReason } from "./secretDetection";

export const PROJECT = "egress-remediation";
const TOP_LEVEL_KEYS = Object.keys(stackConfigSchema.shape);

export type ValidationResult = { ok: true; config: StackConfig } | { ok: false; problems: string[] };

/** Thrown with every problem found; `problems` holds one line per bad key. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
        this.name = "ConfigError";
    }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    return path.reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined), root);
}

/**
 * The value an error line prints. An object, or a list holding one, is named by its kind only: its keys
 * may say what its values are (`command: {DB_PASSWORD: …}`) or be secrets themselves, and no check along
 * the path can see them. A list of plain values is printed; `mustNotEcho` has judged each string in it.
 */
function show(value: unknown, secret: boolean): string {
    if (secret) return "[secret]";
    if (value === undefined) return "nothing";
    if (Array.isArray(value) && value.some((item) => item !== null && typeof item === "object")) return `a list of ${value.length}`;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return "an object";
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A key the user chose, as an error line prints it: `[secret]` when it looks like a credential or a token. */
function showKey(key: string): string {
    return looksLikeSecretValue(key) ? "[secret]" : key;
}

/**
 * A schema message that quotes the value (`image "…" has no tag`), with the value hidden when it is
 * secret itself: set with --secret, or a credential or token. A message quoting a value only because it
 * sits in a secrets map quotes a reference (`secretValues.NAME`), which the schema checked is one.
 */
function withoutValue(message: string, got: unknown, quotedIsSecret: boolean): string {
    if (!quotedIsSecret || typeof got !== "string" || got.trim() === "") return message;
    return message.split(got).join("[secret]").split(got.trim()).join("[secret]");
}

function describeIssue(issue: z.core.$ZodIssue, got: unknown, secret: boolean, quotedIsSecret: boolean): string {
    switch (issue.code) {
        case "invalid_type":
            return got === undefined ? `is required (expected ${issue.expected})` : `must be ${issue.expected}; got ${show(got, secret)}`;
        case "unrecognized_keys":
            return `has unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${showKey(k)}"`).join(", ")}`;
        case "invalid_value":
            return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}; got ${show(got, secret)}`;
        case "too_small":
        case "too_big": {
            const bound = issue.code === "too_small" ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
            return issue.origin === "array" ? `must list ${bound} item(s); got ${show(got, secret)}` : `must be ${bound}; got ${show(got, secret)}`;
        }
        case "invalid_union": {
            const expected = issue.errors.flatMap((branch) => branch.flatMap((inner) => (inner.code === "invalid_type" ? [inner.expected] : [])));
            return `must be ${expected.join(" or ")}; got ${show(got, secret)}`;
        }
        case "invalid_key":
            // The key is the last part of the line's path; the value under it says nothing about what is wrong.
            return `is not an allowed key: ${issue.issues.map((inner) => inner.message).join("; ")}`;
        case "custom": {
            const message = withoutValue(issue.message, got, quotedIsSecret);
            return /; got /.test(message) ? message : `${message}; got ${show(got, secret)}`;
        }
        default:
            return `${withoutValue(issue.message, got, quotedIsSecret).replace(/^Invalid (input|string): /, "")}; got ${show(got, secret)}`;
    }
}

/**
 * Validates the project's namespaced config (`egress-remediation:<key>` → parsed JSON value).
 * Reports every problem at once, one line each: the full key, what is wrong, the value given.
 * Values under keys in `secretKeys` or that look like credentials are never echoed, nor are keys that do;
 * lists and objects are named by their kind, never printed.
 */
export function validateStackConfig(raw: Record<string, unknown>, secretKeys: ReadonlySet<string> = new Set()): ValidationResult {
    const problems: string[] = [];
    for (const key of Object.keys(raw)) {
        if (!TOP_LEVEL_KEYS.includes(key)) {
            const guess = closest(key, TOP_LEVEL_KEYS);
            problems.push(
                `${PROJECT}:${showKey(key)} is not a known key${guess ? ` (did you mean ${PROJECT}:${guess}?)` : ""}; allowed: ${TOP_LEVEL_KEYS.join(", ")}`,
            );
        }
    }
    const parsed = stackConfigSchema.safeParse(raw);
    if (parsed.success && problems.length === 0) {
        if (!parsed.data.appRunner?.enabled && !parsed.data.ecs?.enabled) {
            return {
                ok: false,
                problems: [
                    `${PROJECT}:appRunner and ${PROJECT}:ecs are both missing or disabled (enabled: false): the stack would manage nothing; enable at least one (to retire a decommissioned stack, run \`pulumi destroy\`: what decommission retained stays in AWS)`,
                ],
            };
        }
        return { ok: true, config: parsed.data };
    }
    for (const issue of parsed.success ? [] : parsed.error.issues) {
        const path = issue.path.map(String);
        const key = `${PROJECT}:${path.map(showKey).join(".")}`;
        const got = valueAt(raw, issue.path);
        // An unknown-key line names the keys and never prints the object, so its values cannot leak.
        const keys = issue.code === "unrecognized_keys" ? [...path, ...issue.keys] : path;
        const hidden = keys.some((k) => showKey(k) !== k) || mustNotEcho(path, issue.code === "unrecognized_keys" ? undefined : got, secretKeys);
        const quotedIsSecret = secretKeys.has(path[0]) || stringsIn(got).some(looksLikeSecretValue);
        problems.push(`${key} ${(!hidden && issueHint(issue, got, stackConfigSchema)) || describeIssue(issue, got, hidden, quotedIsSecret)}`);
    }
    return { ok: false, problems };
}

/**
 * The schema's own fields are lowerCamelCase (`key`, `secretsKmsKeyArn`): their names say nothing about
 * the value. Names users choose (env variables, tags) are judged by the secret detector.
 */
const SCHEMA_FIELD = /^[a-z][A-Za-z0-9]*$/;

/** Maps whose values may be secrets: a value under `secrets` that is not an ARN may be the secret itself. */
const SECRET_BEARING = new Set(["env", "secrets", "secretValues"]);

/**
 * Whether an error line must say `[secret]` instead of `value` (what the line would print; undefined when it
 * prints nothing of it): under a key set with --secret, inside env or secrets maps, under a secret-looking
 * name, or when a string anywhere in the value looks like a credential or a random token. Errors are
 * printed by CI and pasted into tickets.
 */
export function mustNotEcho(path: readonly string[], value: unknown, secretKeys: ReadonlySet<string> = new Set()): boolean {
    if (secretKeys.has(path[0]) || path.some((p) => SECRET_BEARING.has(p) || (!SCHEMA_FIELD.test(p) && secretNameReason(p) !== undefined))) return true;
    return stringsIn(value).some(looksLikeSecretValue);
}

/** Every string in a value at any depth: what the error line prints of it (`tags: [["postgresql://u:pw@…"]]`). */
function stringsIn(value: unknown): string[] {
    if (typeof value === "string") return [value];
    return value !== null && typeof value === "object" ? Object.values(value).flatMap(stringsIn) : [];
}

/** The key inside this project's namespace (`egress-remediation:ecs` → `ecs`), or undefined for other namespaces. */
export function projectKeyOf(fullKey: string): string | undefined {
    return fullKey.startsWith(`${PROJECT}:`) ? fullKey.slice(PROJECT.length + 1) : undefined;
}

/** This project's entries of a full-keyed config map, keyed without the namespace. */
export function projectEntries<T>(config: Record<string, T>): Record<string, T> {
    const result: Record<string, T> = {};
    for (const [fullKey, value] of Object.entries(config)) {
        const key = projectKeyOf(fullKey);
        if (key !== undefined) result[key] = value;
    }
    return result;
}

/** Parses `pulumi.runtime.allConfig()`-shaped input: `{"project:key": "<json or string>"}`. */
export function projectConfigFrom(allConfig: Record<string, string>): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const [key, text] of Object.entries(projectEntries(allConfig))) {
        try {
            result[key] = JSON.parse(text);
        } catch {
            result[key] = text;
        }
    }
    return result;
}

import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

function findProjectRoot(start: string): string | undefined {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
        if (path.dirname(dir) === dir) return undefined;
    }
}

/**
 * The project directory: the nearest Pulumi.yaml at or above the working directory, as the
 * Pulumi CLI finds it, else the one above this module (source or out/). Looked up on each call,
 * so a command run in-process from another directory reads that directory's stack.
 */
export function projectRoot(): string {
    return findProjectRoot(process.cwd()) ?? findProjectRoot(__dirname) ?? process.cwd();
}

export class StackFileError extends Error {}

export interface StackFile {
    /** Full keys (`egress-remediation:appRunner`, `aws:region`) → values, `secure:` values replaced. */
    readonly config: Record<string, unknown>;
    /** Full keys that hold a `secure:` value anywhere inside. */
    readonly secretKeys: string[];
}

const SECRET_STAND_IN = "[secret]";

/** Replaces every `{ secure: … }` with a stand-in: the plan cannot decrypt and must not print them. */
function withoutSecrets(value: unknown): { value: unknown; secret: boolean } {
    if (Array.isArray(value)) {
        const items = value.map(withoutSecrets);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (value !== null && typeof value === "object") {
        if (Object.keys(value).length === 1 && "secure" in value) return { value: SECRET_STAND_IN, secret: true };
        const entries = Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)] as const);
        return { value: Object.fromEntries(entries.map(([k, v]) => [k, v.value])), secret: entries.some(([, v]) => v.secret) };
    }
    return { value, secret: false };
}

/** Pulumi.yaml defaults (`config: key: { default }`) overlaid by Pulumi.<stack>.yaml. */
export function readStackFile(stack: string, root = projectRoot()): StackFile {
    const asFile = /^(?:.*\/)?Pulumi\.([^/]+)\.yaml$/.exec(stack);
    if (asFile) throw new StackFileError(`--stack takes the stack's name, not its file: --stack ${asFile[1]} reads Pulumi.${asFile[1]}.yaml`);
    if (stack.includes("/"))
        throw new StackFileError(
            `--stack takes the stack's own name (the last part of ${JSON.stringify(stack)}, e.g. ${stack.split("/").pop()}): this tool reads Pulumi.<name>.yaml`,
        );
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new StackFileError(`--stack must be a stack name (letters, digits, _ . -); got ${JSON.stringify(stack)}`);
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const known = fs
            .readdirSync(root)
            .filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))
            .map((f) => f.slice(7, -5));
        throw new StackFileError(`--stack ${stack}: no Pulumi.${stack}.yaml; stacks here: ${known.join(", ")}`);
    }
    let project: { name?: string; config?: Record<string, { default?: unknown }> };
    let stackDoc: { config?: Record<string, unknown> };
    try {
        project = (parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) ?? {}) as typeof project;
        stackDoc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as typeof stackDoc;
    } catch (error) {
        throw new StackFileError(`cannot parse ${path.basename(file)}: ${(error as Error).message.split("\n")[0].replace(/:$/, "")}`);
    }
    const defaults = Object.fromEntries(
        Object.entries(project.config ?? {})
            .filter(([, spec]) => spec && typeof spec === "object" && "default" in spec)
            .map(([key, spec]) => [key.includes(":") ? key : `${project.name}:${key}`, spec.default]),
    );
    const merged = { ...defaults, ...(stackDoc.config ?? {}) };
    const config: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [key, raw] of Object.entries(merged)) {
        const { value, secret } = withoutSecrets(raw);
        config[key] = value;
        if (secret) secretKeys.push(key);
    }
    return { config, secretKeys };
}

import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { projectEntries } from "../config/validate";

const ROOT = path.resolve(__dirname, "..");

/** The `config:` block of a committed stack file, keyed as Pulumi keys it. */
export function stackFileConfig(stack: string): Record<string, unknown> {
    const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    return structuredClone(doc.config);
}

/** The project's part of that config, without the namespace: `{ appRunner, ecs, tags }`. */
export function projectConfig(config: Record<string, unknown>): Record<string, unknown> {
    return projectEntries(config);
}

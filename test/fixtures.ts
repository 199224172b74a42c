import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { projectEntries } from "../config/validate";
import { tempDir } from "./tempDirs";

const ROOT = path.resolve(__dirname, "..");

const parsedStackFiles = new Map<string, Record<string, unknown>>();

/** The `config:` block of a committed stack file, keyed as Pulumi keys it: a fresh copy, parsed once per worker. */
export function stackFileConfig(stack: string): Record<string, unknown> {
    let config = parsedStackFiles.get(stack);
    if (!config) {
        config = (parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
        parsedStackFiles.set(stack, config);
    }
    return structuredClone(config);
}

/** Moves both parts of a stack config (full keys) to the last stage, `harden`: the end state the stages lead to. */
export function atHarden(config: Record<string, any>): void {
    for (const part of ["egress-remediation:appRunner", "egress-remediation:ecs"]) if (config[part]) config[part].stage = "harden";
}

/** `edit` applied to a config already moved to `harden`. */
export function hardened(edit: (config: Record<string, any>) => void): (config: Record<string, any>) => void {
    return (config) => {
        atHarden(config);
        edit(config);
    };
}

/** A new project folder (under `parent`, else the system's temporary one): Pulumi.yaml, and a Pulumi.prod.yaml holding prod's config as `edit` changed it. */
export function prodProjectWith(edit: (config: Record<string, any>) => void, parent?: string): string {
    const dir = tempDir("project-", parent);
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    // The reviewed pack config the plan reads by default, as in a clone.
    fs.mkdirSync(path.join(dir, "policies"));
    fs.copyFileSync(path.join(ROOT, "policies", "exemptions.json"), path.join(dir, "policies", "exemptions.json"));
    const config = stackFileConfig("prod");
    edit(config);
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), stringify({ config }));
    return dir;
}

/** The project's part of that config, without the namespace: `{ appRunner, ecs, tags }`. */
export function projectConfig(config: Record<string, unknown>): Record<string, unknown> {
    return projectEntries(config);
}

/**
 * Edits a prod stack config (full keys) into one where every unconfirmed value is settled: the
 * unverified list emptied, rule ids set, placeholders replaced by well-formed ids. A first `pulumi up`
 * only runs with such a config; the ids are invented, so a simulated account must hold the same ones.
 */
export function confirmProdConfig(config: Record<string, any>): void {
    const app = config["egress-remediation:appRunner"];
    const ecs = config["egress-remediation:ecs"];
    config["egress-remediation:unverified"] = [];
    app.adopt.postgresIngressRuleIds = { connector: "sgr-0a1b2c3d4e5f60718" };
    app.adopt.connectorEgressRuleId = "sgr-0a1b2c3d4e5f60719";
    ecs.vpcId = "vpc-0123456789abcdef0";
    ecs.subnetIds = ["subnet-0123456789abcdef0"];
    ecs.api.image = "905418046272.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api@sha256:" + "ab".repeat(32);
}

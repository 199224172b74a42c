import * as path from "path";
import * as fs from "fs";
import { AppRunnerConfig, EcsConfig, StackConfig } from "../../config/schema";
import { Part, PARTS } from "../../config/stages";
import { projectConfigFrom, PROJECT, validateStackConfig } from "../../config/validate";
import { Exemption } from "../../policies/lib/exemptions";
import { accountSession, checkAccount, DiscoverError } from "../discover/aws";
import { JsonFileError, readJsonFile } from "../offline/readJson";
import { projectRoot, readStackFile, StackFileError } from "../offline/stackFiles";
import { evaluateAppRunner, readAppRunner } from "./appRunner";
import { fail, skip, VerifyCheck } from "./checks";
import { evaluateDataStores, readDataStores, worldOpenRuleUrn } from "./dataStores";
import { evaluateEcs, readEcs } from "./ecs";
import { evaluateEgress, natPlacementClaim, readEgress, vpcOfSubnets } from "./egress";
import { failedCount, jsonReport, PartResult, textReport } from "./report";

export interface VerifyOptions {
    /** Stack name: reads `Pulumi.<stack>.yaml` for what the stack claims. */
    readonly stack: string;
    /** Verify one part only (what CI runs after that part's `pulumi up`). @default both */
    readonly part?: Part;
    /** Print the documented JSON instead of the text report. @default false */
    readonly json?: boolean;
    /** Project directory holding Pulumi.yaml. @default the nearest one above the working directory */
    readonly root?: string;
    /** Send every AWS call to this endpoint (an emulator such as moto); never set against AWS. */
    readonly endpoint?: string;
    /** The time exemptions are judged at. @default Date.now() */
    readonly now?: number;
    readonly out?: (text: string) => void;
    readonly err?: (text: string) => void;
}

/** Exit codes: 0 every check holds, 1 a check failed, 2 bad usage or input, credentials or access. */
export type ExitCode = 0 | 1 | 2;

/** The stack file through the program's own validation, as `discover` and `plan` read it. */
function stackConfig(stack: string, root: string): StackConfig {
    const file = readStackFile(stack, root);
    const raw = projectConfigFrom(Object.fromEntries(Object.entries(file.config).map(([k, v]) => [k, JSON.stringify(v)])));
    const result = validateStackConfig(raw, new Set(file.secretKeys.map((k) => k.slice(PROJECT.length + 1))));
    if (!result.ok) throw new DiscoverError(`the stack config is invalid; fix it first (npm run plan lists every problem): ${result.problems[0]}`);
    return result.config;
}

/** The world-open exemptions of the reviewed pack config CI passes (policies/exemptions.json), if it exists. */
function worldOpenExemptions(root: string): Exemption[] {
    const file = path.join(root, "policies", "exemptions.json");
    if (!fs.existsSync(file)) return [];
    let config: unknown;
    try {
        config = readJsonFile(file);
    } catch (error) {
        if (error instanceof JsonFileError) throw new DiscoverError(`policies/exemptions.json ${error.message}`);
        throw error;
    }
    const list = (config as { "no-world-open-database-ingress"?: { exemptions?: unknown } })?.["no-world-open-database-ingress"]?.exemptions ?? [];
    const valid = Array.isArray(list) && list.every((e) => typeof e?.resource === "string" && typeof e?.expires === "string");
    if (!valid) throw new DiscoverError("policies/exemptions.json: no-world-open-database-ingress.exemptions must be a list of { resource, reason, expires }");
    return list as Exemption[];
}

async function verifyAppRunner(config: AppRunnerConfig, stack: string, root: string, options: VerifyOptions): Promise<PartResult> {
    const session = accountSession("appRunner", config.account, options.endpoint);
    await checkAccount(session);
    const checks: VerifyCheck[] = [];
    const appRunner = await readAppRunner(session, config);
    const connectorSubnetIds = config.network.connectorSubnetIds ?? appRunner.connector?.Subnets ?? [];
    const vpcId = config.network.vpcId ?? (connectorSubnetIds.length ? await vpcOfSubnets(session, connectorSubnetIds) : undefined);
    let natPublicIps: string[] = [];
    if (!vpcId) checks.push(fail("egress", `no VPC found for the connector subnets (${connectorSubnetIds.join(", ") || "none known"})`));
    else {
        const egress = evaluateEgress(session, natPlacementClaim(config, connectorSubnetIds), await readEgress(session, vpcId, connectorSubnetIds));
        checks.push(...egress.checks);
        natPublicIps = egress.publicIps;
    }
    checks.push(...evaluateAppRunner(session, config, appRunner));
    const exemptions = { urn: worldOpenRuleUrn(stack), list: worldOpenExemptions(root), now: options.now ?? Date.now() };
    const stores = config.stage === "egress" ? { groups: [], rules: [] } : await readDataStores(session, config, vpcId);
    checks.push(...evaluateDataStores(session, config, stores, exemptions));
    return { part: "appRunner", stage: config.stage, account: { id: config.account.id, region: config.account.region }, checks, natPublicIps };
}

async function verifyEcs(config: EcsConfig, options: VerifyOptions): Promise<PartResult> {
    const session = accountSession("ecs", config.account, options.endpoint);
    await checkAccount(session);
    const checks = evaluateEcs(session, config, await readEcs(session, config));
    return { part: "ecs", stage: config.stage, account: { id: config.account.id, region: config.account.region }, checks };
}

function verifyPart(part: Part, config: StackConfig, stack: string, root: string, options: VerifyOptions): Promise<PartResult> {
    const settings = config[part];
    if (!settings?.enabled || settings.decommission) {
        const why = !settings?.enabled ? "not enabled" : "decommissioned: the stack no longer manages it";
        return Promise.resolve({ part, checks: [skip(part === "ecs" ? "ecs" : "appRunner", `${part} is ${why}; nothing to verify`)] });
    }
    return part === "appRunner" ? verifyAppRunner(config.appRunner!, stack, root, options) : verifyEcs(config.ecs!, options);
}

/**
 * Reads the live accounts (read-only) and checks, per part and stage, that AWS runs what the stack
 * claims. Returns the exit code; never throws for bad input, missing credentials or a denied action
 * (one line on `err`).
 */
export async function runVerify(options: VerifyOptions): Promise<ExitCode> {
    const out = options.out ?? ((t: string) => process.stdout.write(t));
    const err = options.err ?? ((t: string) => process.stderr.write(t));
    // The pinned SDK runs on Node 20 (which @pulumi/pulumi 3.248 needs); its warning is about later releases.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    try {
        const root = options.root ?? projectRoot();
        const config = stackConfig(options.stack, root);
        if (options.part && !config[options.part]?.enabled)
            throw new DiscoverError(
                `--part ${options.part}: ${PROJECT}:${options.part} is not enabled in Pulumi.${options.stack}.yaml, so there is nothing to verify`,
            );
        const parts = await Promise.all((options.part ? [options.part] : PARTS).map((part) => verifyPart(part, config, options.stack, root, options)));
        out(options.json ? jsonReport(options.stack, parts) : textReport(options.stack, parts));
        return failedCount(parts) > 0 ? 1 : 0;
    } catch (error) {
        if (error instanceof DiscoverError || error instanceof StackFileError) {
            err(`verify: ${error.message}\n`);
            return 2;
        }
        err(`verify failed: ${String((error as Error)?.message ?? error).split("\n")[0]}\n`);
        return 2;
    }
}

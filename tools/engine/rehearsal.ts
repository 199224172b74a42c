import { KNOWN_GAPS } from "../../simulator/knownGaps";
import * as fs from "fs";
import * as path from "path";
import { isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq } from "yaml";
import { AccountData } from "../../simulator/account";
import { recordedAccount } from "../../simulator/recordedAccount";
import { finishAdoption } from "./finishAdoption";
import { CommandResult, EngineSandbox } from "./sandbox";
import { StageWalkResult, walkStages } from "./stageWalk";

export interface RehearsalOptions {
    readonly stack: string;
    readonly cliDir: string;
    /** An account file to start from instead of the recorded copy of the live accounts. */
    readonly accountFile?: string;
    /** Config values to set in the rehearsal's stack (`path`, `value`), e.g. values not yet confirmed in the stack file. */
    readonly set?: ReadonlyArray<readonly [string, string]>;
    /** Config keys to remove in the rehearsal's stack, e.g. the list of unverified values once they are confirmed. */
    readonly unset?: readonly string[];
    /** Walk every stage from the stack's current ones to `harden` (tools/engine/stageWalk.ts) instead of one up. */
    readonly stages?: boolean;
    /** Keep the sandbox (project copy, backend, account file) for inspection. */
    readonly keep?: boolean;
    /** Aborted on Ctrl-C or SIGTERM: the running CLI is asked to cancel, and the sandbox is still removed. */
    readonly signal?: AbortSignal;
    readonly log: (line: string) => void;
}

export interface RehearsalResult {
    readonly ok: boolean;
    readonly sandboxRoot?: string;
    /** With `stages`: each stage's changes and what the account holds at the end. */
    readonly walk?: StageWalkResult;
}

const SECRET_PLACEHOLDER = "rehearsal-placeholder-secret";
const ENCRYPTION_KEYS = ["encryptionsalt", "secretsprovider", "encryptedkey"];

/**
 * The stack file's encrypted values cannot be decrypted in a throw-away backend: they are taken out and
 * set again, as secrets with a placeholder value, once the sandbox stack exists. Returns their config paths.
 */
export function takeOutSecureValues(stackFile: string): string[] {
    const document = parseDocument(fs.readFileSync(stackFile, "utf8"));
    for (const key of ENCRYPTION_KEYS) document.delete(key);
    const paths: string[] = [];
    const isSecure = (node: unknown) => isMap(node) && (node as YAMLMap).has("secure");
    const walk = (node: unknown, prefix: string): void => {
        if (isSeq(node)) {
            // Items keep their place (a placeholder stands in), so the paths of the others stay right.
            (node as YAMLSeq).items.forEach((item, index) => {
                if (!isSecure(item)) return walk(item, `${prefix}[${index}]`);
                paths.push(`${prefix}[${index}]`);
                (node as YAMLSeq).set(index, SECRET_PLACEHOLDER);
            });
            return;
        }
        if (!isMap(node)) return;
        for (const item of [...(node as YAMLMap).items]) {
            const key = String(isScalar(item.key) ? item.key.value : item.key);
            const keyPath = prefix ? `${prefix}.${key}` : key;
            if (isSecure(item.value)) {
                paths.push(keyPath);
                (node as YAMLMap).delete(item.key);
            } else walk(item.value, keyPath);
        }
    };
    walk(document.get("config", true), "");
    fs.writeFileSync(stackFile, document.toString());
    return paths;
}

function summarise(previewJson: string): Map<string, string[]> {
    const byOp = new Map<string, string[]>();
    for (const step of (JSON.parse(previewJson).steps ?? []) as { op: string; urn: string }[]) {
        if (step.op === "same") continue;
        const [type, name] = step.urn.split("::").slice(-2);
        byOp.set(step.op, [...(byOp.get(step.op) ?? []), `${type.split("$").pop()} ${name}`]);
    }
    return byOp;
}

function startingAccount(file: string | undefined): AccountData {
    return file ? (JSON.parse(fs.readFileSync(file, "utf8")) as AccountData) : recordedAccount();
}

/**
 * The first `pulumi up`, rehearsed: the real CLI runs this program and the policy pack against the simulated
 * account in a throw-away backend — preview, up, and a second preview that must show no changes.
 */
export async function runRehearsal(options: RehearsalOptions): Promise<RehearsalResult> {
    const { log, stack } = options;
    log(
        "SIMULATION: this runs against a simulated copy of the accounts the incident notes describe (docs/incident.md), not AWS. Nothing in AWS is read or changed.",
    );
    log(`Where the simulation differs from AWS (docs/simulator.md):\n${KNOWN_GAPS.map((gap) => `  - ${gap}`).join("\n")}`);
    const sandbox = EngineSandbox.create({ cliDir: options.cliDir, account: startingAccount(options.accountFile) });
    const pulumi = (args: readonly string[]) => {
        if (options.signal?.aborted) throw new Error("the rehearsal was interrupted");
        return sandbox.pulumi(args, { signal: options.signal });
    };
    try {
        const stackFile = path.join(sandbox.projectDir, `Pulumi.${stack}.yaml`);
        if (!fs.existsSync(stackFile)) throw new Error(`there is no Pulumi.${stack}.yaml in the project`);
        const secretPaths = takeOutSecureValues(stackFile);
        await must(pulumi(["stack", "init", stack, "--secrets-provider", "passphrase"]), "pulumi stack init");
        for (const key of secretPaths)
            await must(pulumi(["config", "set", "--stack", stack, "--secret", "--path", key, SECRET_PLACEHOLDER]), `pulumi config set ${key}`);
        for (const [key, value] of options.set ?? []) await must(pulumi(["config", "set", "--stack", stack, "--path", key, value]), `pulumi config set ${key}`);
        for (const key of options.unset ?? []) await must(pulumi(["config", "rm", "--stack", stack, "--path", key]), `pulumi config rm ${key}`);
        if (secretPaths.length > 0) log(`secret config values are replaced by placeholders in the rehearsal: ${secretPaths.join(", ")}`);
        if (options.stages) return await rehearseStages(sandbox, options);

        const preview = await pulumi(["preview", "--stack", stack, "--policy-pack", "policies", "--json"]);
        if (preview.status === 0) {
            for (const [op, resources] of summarise(preview.stdout)) log(`${op} (${resources.length}): ${resources.join(", ")}`);
        }
        const steps: [string, string[]][] = [
            ["pulumi preview", ["preview", "--stack", stack, "--policy-pack", "policies", "--diff"]],
            ["pulumi up", ["up", "--stack", stack, "--yes", "--skip-preview", "--policy-pack", "policies"]],
            ["a second pulumi preview (must show no changes)", ["preview", "--stack", stack, "--policy-pack", "policies", "--expect-no-changes"]],
        ];
        for (const [what, args] of steps) {
            log(`--- ${what}`);
            const result = await pulumi(args);
            log(
                result.stdout
                    .split("\n")
                    .filter((line) => !line.startsWith("@ "))
                    .join("\n"),
            );
            if (result.stderr.trim()) log(result.stderr.trim());
            if (result.status === 0 && args[0] === "up") {
                for (const key of await finishAdoption(sandbox, stack))
                    log(`after the up: ${key} set to false — commit the same change after the real first up (see README)`);
            }
            if (result.status !== 0) {
                log(`REHEARSAL FAILED at ${what} (exit ${result.status}): the same step would fail on AWS for the reasons above, or earlier.`);
                return { ok: false, sandboxRoot: options.keep ? sandbox.root : undefined };
            }
        }
        log("REHEARSAL PASSED in the simulation: review the imports, creates and updates above before the real `pulumi up`.");
        return { ok: true, sandboxRoot: options.keep ? sandbox.root : undefined };
    } finally {
        if (!options.keep) sandbox.dispose();
    }
}

async function rehearseStages(sandbox: EngineSandbox, options: RehearsalOptions): Promise<RehearsalResult> {
    const { log } = options;
    const walk = await walkStages(sandbox, { stack: options.stack, log, signal: options.signal });
    const sandboxRoot = options.keep ? sandbox.root : undefined;
    if (walk.failure) {
        log(`REHEARSAL FAILED: ${walk.failure}`);
        return { ok: false, sandboxRoot, walk };
    }
    const open = walk.account.worldOpenDatabaseRules;
    if (open.length > 0) {
        log(`REHEARSAL FAILED: after the last stage the account still admits a database port from the internet: ${open.join(", ")}`);
        return { ok: false, sandboxRoot, walk };
    }
    if (walk.account.egressProblems.length > 0) {
        log(`REHEARSAL FAILED: after the last stage App Runner's connector subnets still cannot reach the internet: ${walk.account.egressProblems.join("; ")}`);
        return { ok: false, sandboxRoot, walk };
    }
    log(
        `REHEARSAL PASSED in the simulation: ${walk.stages.length} stage(s), each with a clean second preview; no world-open database rule left; every connector subnet routes to the internet through a NAT gateway.`,
    );
    return { ok: true, sandboxRoot, walk };
}

async function must(pending: Promise<CommandResult>, what: string): Promise<void> {
    const result = await pending;
    if (result.status !== 0) throw new Error(`${what} failed: ${(result.stderr || result.stdout).trim().split("\n").pop()}`);
}

import { AccountData } from "../../simulator/account";
import { natEgressProblem } from "../../simulator/network";
import { T } from "../../simulator/tokens";
import { APP_RUNNER_STAGES, ECS_STAGES, Part, PART_VARIABLE, partTargets } from "../../config/stages";
import { PROJECT } from "../../config/validate";
import { DEFAULT_DATABASE_PORT_LIST } from "../../policies/lib/ports";
import { CommandResult, EngineSandbox } from "./sandbox";

/** The reviewed pack config every preview and up passes (`--policy-pack-config`), as CI does. */
export const POLICY_PACK_ARGS = ["--policy-pack", "policies", "--policy-pack-config", "policies/exemptions.json"] as const;

export const CHANGE_OPS = ["create", "import", "update", "replace", "delete"] as const;
export type ChangeCounts = Record<(typeof CHANGE_OPS)[number], number>;

export interface StageOutcome {
    readonly part: Part;
    readonly stage: string;
    /** What the stage's preview proposed, by kind, and the resources behind each kind. */
    readonly changes: ChangeCounts;
    readonly resources: Partial<Record<(typeof CHANGE_OPS)[number], string[]>>;
    /** What a preview right after the up still proposes: all zero when the up left no diff. */
    readonly secondPreviewChanges: ChangeCounts;
}

export interface StageWalkResult {
    readonly stages: StageOutcome[];
    readonly account: {
        readonly worldOpenDatabaseRules: string[];
        /** Why an App Runner service's connector subnets cannot reach the internet, one line each; empty when all can. */
        readonly egressProblems: string[];
    };
    /** The step that failed, with its output's tail, when one did. */
    readonly failure?: string;
}

export interface StageStep {
    readonly part: Part;
    readonly stage: string;
}

const ORDER: Readonly<Record<Part, readonly string[]>> = { appRunner: APP_RUNNER_STAGES, ecs: ECS_STAGES };

/**
 * The stages from each part's current one to `harden`, in the order the pull requests go: the
 * first stage of every part, then the second, ... (App Runner before ECS within one round, so the
 * NAT fix is the very first update).
 */
export function stagesAhead(current: Partial<Record<Part, string>>): StageStep[] {
    const remaining = (Object.keys(current) as Part[]).map((part) => ({ part, stages: ORDER[part].slice(Math.max(0, ORDER[part].indexOf(current[part]!))) }));
    const steps: StageStep[] = [];
    for (let round = 0; remaining.some((r) => r.stages.length > round); round++)
        for (const { part, stages } of remaining) if (stages[round]) steps.push({ part, stage: stages[round] });
    return steps;
}

/** Maps `pulumi preview --json` steps to the five kinds of change; `same` and reads are not changes. */
export function countChanges(previewJson: string): { counts: ChangeCounts; resources: StageOutcome["resources"] } {
    const counts: ChangeCounts = { create: 0, import: 0, update: 0, replace: 0, delete: 0 };
    const resources: StageOutcome["resources"] = {};
    const kindOf: Record<string, (typeof CHANGE_OPS)[number] | undefined> = {
        create: "create",
        import: "import",
        update: "update",
        replace: "replace",
        "create-replacement": "replace",
        "import-replacement": "replace",
        delete: "delete",
        "delete-replaced": undefined, // the other half of a replace, counted once
        "discard-replaced": undefined,
    };
    for (const step of (JSON.parse(previewJson).steps ?? []) as { op: string; urn: string }[]) {
        const kind = kindOf[step.op];
        if (!kind) continue;
        const [type, name] = step.urn.split("::").slice(-2);
        // Components and providers are not AWS objects: what a reader predicts is the cloud's changes.
        if (!type.split("$").pop()!.startsWith("aws:")) continue;
        counts[kind] += 1;
        resources[kind] = [...(resources[kind] ?? []), name];
    }
    return { counts, resources };
}

/** Ingress rules in the simulated account that admit a well-known database port from the whole internet. */
export function worldOpenDatabaseRules(account: AccountData, ports: readonly number[] = DEFAULT_DATABASE_PORT_LIST): string[] {
    return account.resources
        .filter((r) => r.type === T.ingressRule && (r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0"))
        .filter((r) => {
            const all = String(r.inputs.ipProtocol) === "-1";
            const from = Number(r.inputs.fromPort);
            const to = Number(r.inputs.toPort);
            return all || ports.some((port) => from <= port && port <= to);
        })
        .map((r) => r.id)
        .sort();
}

/** Each App Runner service on VPC egress whose connector subnets cannot reach the internet through a NAT, and why. */
export function egressProblems(account: AccountData): string[] {
    return account.resources
        .filter((r) => r.type === T.appRunnerService)
        .flatMap((service) => {
            const egress = (service.inputs.networkConfiguration as { egressConfiguration?: { egressType?: string; vpcConnectorArn?: string } })
                ?.egressConfiguration;
            if (egress?.egressType !== "VPC") return [];
            const connector = account.resources.find((r) => r.type === T.vpcConnector && r.id === egress.vpcConnectorArn);
            return ((connector?.inputs.subnets ?? []) as string[]).flatMap((subnet) => {
                const problem = natEgressProblem(account, subnet);
                return problem ? [`${service.id}: ${problem}`] : [];
            });
        });
}

export interface StageWalkOptions {
    readonly stack: string;
    readonly log: (line: string) => void;
    readonly signal?: AbortSignal;
}

/**
 * Each stage as its pull request would go: `pulumi config set <part>.stage`, then a preview, an up and a
 * second preview, each targeted at that part (and with `EGRESS_REMEDIATION_PART` naming it), so one part's
 * stage never touches the other. Stops at the first failing step.
 */
export async function walkStages(sandbox: EngineSandbox, options: StageWalkOptions): Promise<StageWalkResult> {
    const { stack, log } = options;
    const pulumi = (args: readonly string[], env?: NodeJS.ProcessEnv) => sandbox.pulumi(args, { signal: options.signal, env });
    const current: Partial<Record<Part, string>> = {};
    for (const part of ["appRunner", "ecs"] as const) {
        const enabled = await pulumi(["config", "get", "--stack", stack, "--path", `${PROJECT}:${part}.enabled`]);
        if (enabled.status === 0 && enabled.stdout.trim() === "false") continue;
        const stage = await pulumi(["config", "get", "--stack", stack, "--path", `${PROJECT}:${part}.stage`]);
        current[part] = stage.status === 0 ? stage.stdout.trim() : "harden";
    }
    const stages: StageOutcome[] = [];
    const unknown = (Object.keys(current) as Part[]).find((part) => !ORDER[part].includes(current[part]!));
    const outcome = (failure?: string): StageWalkResult => ({
        stages,
        account: { worldOpenDatabaseRules: worldOpenDatabaseRules(sandbox.account()), egressProblems: egressProblems(sandbox.account()) },
        ...(failure ? { failure } : {}),
    });
    if (unknown) return outcome(`${PROJECT}:${unknown}.stage is "${current[unknown]}"; it must be one of ${ORDER[unknown].join(", ")}`);
    for (const { part, stage } of stagesAhead(current)) {
        log(`--- ${part} stage ${stage}`);
        const set = await pulumi(["config", "set", "--stack", stack, "--path", `${PROJECT}:${part}.stage`, stage]);
        if (set.status !== 0) return outcome(failed(`pulumi config set ${part}.stage ${stage}`, set));
        const targets = partTargets(PROJECT, stack, part).flatMap((glob) => ["--target", glob]);
        const env = { [PART_VARIABLE]: part };
        const preview = await pulumi(["preview", "--stack", stack, ...POLICY_PACK_ARGS, ...targets, "--json"], env);
        if (preview.status !== 0) return outcome(failed(`${part} ${stage}: pulumi preview`, preview));
        const { counts, resources } = countChanges(preview.stdout);
        for (const [kind, names] of Object.entries(resources)) log(`${kind} (${names.length}): ${names.join(", ")}`);
        const operationsBefore = sandbox.account().operations?.length ?? 0;
        const up = await pulumi(["up", "--stack", stack, "--yes", "--skip-preview", ...POLICY_PACK_ARGS, ...targets], env);
        if (up.status !== 0) return outcome(failed(`${part} ${stage}: pulumi up`, up));
        // pulumi-aws reports a rolled-back App Runner deployment as a success (it waits for RUNNING only).
        const rolledBack = (sandbox.account().operations ?? []).slice(operationsBefore).filter((o) => o.status === "ROLLBACK_SUCCEEDED");
        if (rolledBack.length > 0)
            return outcome(
                `${part} ${stage}: pulumi up succeeded, but App Runner rolled the deployment back, so the service runs its previous configuration: ${rolledBack
                    .map((o) => `operation ${o.id} ROLLBACK_SUCCEEDED (${o.reason ?? "no reason recorded"})`)
                    .join("; ")}`,
            );
        const second = await pulumi(["preview", "--stack", stack, ...POLICY_PACK_ARGS, ...targets, "--json"], env);
        if (second.status !== 0) return outcome(failed(`${part} ${stage}: the second pulumi preview`, second));
        const secondPreviewChanges = countChanges(second.stdout).counts;
        stages.push({ part, stage, changes: counts, resources, secondPreviewChanges });
        const left = Object.entries(secondPreviewChanges).filter(([, n]) => n > 0);
        if (left.length > 0) return outcome(`${part} ${stage}: the second preview still proposes ${left.map(([k, n]) => `${n} ${k}`).join(", ")}`);
    }
    return outcome();
}

/**
 * A failed step in a few lines: the error diagnostics of a `--json` run (the line of each that names
 * the error, not the program's stack), else the output's tail.
 */
export function failed(what: string, result: CommandResult): string {
    return `${what} failed (exit ${result.status}):\n${errorDiagnostics(result.stdout) ?? tail(result)}`;
}

function errorDiagnostics(stdout: string): string | undefined {
    let parsed: { diagnostics?: { message?: string; severity?: string }[] };
    try {
        parsed = JSON.parse(stdout);
    } catch {
        return undefined;
    }
    const lines = (parsed.diagnostics ?? [])
        .filter((d) => d.severity === "error" && d.message)
        .map((d) => {
            // eslint-disable-next-line no-control-regex
            const text = d.message!.replace(/\u001b\[[0-9;]*m/g, "").split("\n");
            return (text.find((line) => /\bError: /.test(line)) ?? text[0]).replace(/^<ref \*\d+> /, "").trim();
        });
    return lines.length > 0 ? [...new Set(lines)].join("\n") : undefined;
}

function tail(result: CommandResult): string {
    return `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-30).join("\n");
}

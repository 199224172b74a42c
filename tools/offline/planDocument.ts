import { secretConfigProblems } from "../../config/secretConfig";
import { unconfirmedByStage, Unconfirmed } from "../../config/unconfirmed";
import { nextStage, Part, partFromEnvironment, PARTS, PartVariableError } from "../../config/stages";
import { namespaceProblems } from "../../config/hints";
import { PROJECT, projectEntries, projectKeyOf, validateStackConfig } from "../../config/validate";
import { CostEstimate, estimateCost } from "./cost";
import { evaluatePolicies, Evaluation, NotEvaluated, PackConfig, ResourceUnderCheck, Violation } from "./evaluatePolicies";
import { lookupsFromConfig, RecordedResource } from "./mocks";
import { ProgramRun, runProgram } from "./runProgram";
import { readStackFile } from "./stackFiles";

export interface PlanResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent: string | null;
    readonly inputs: Record<string, unknown>;
    /** Values the offline mocks invented (id, ARNs, URLs), so the checker can follow references. */
    readonly outputs: Record<string, unknown>;
    /** Present when the resource is adopted: the live id it is imported from. */
    readonly importId?: string;
    /** Resource options as `pulumi preview --json` records them in a step's state. */
    readonly protect?: boolean;
    /** Deleting it from the program only drops it from state; AWS keeps it. */
    readonly retainOnDelete?: boolean;
    /** Properties whose live (or previous) value is kept: the program does not manage them. */
    readonly ignoreChanges?: string[];
    /** URNs it waits for: `dependsOn` plus every resource its inputs come from. */
    readonly dependencies?: string[];
}

export interface PlanDocument {
    readonly stack: string;
    readonly resources: PlanResource[];
    readonly violations: Violation[];
    /** Policies that met an unknown or a secret value: neither passed nor failed. */
    readonly notEvaluated: NotEvaluated[];
    readonly cost: CostEstimate;
    /** Read by the parts' current stages: `pulumi up` refuses while any is listed. */
    readonly unconfirmed: Unconfirmed[];
    /** Read only by later stages: settle them before that stage's pull request. */
    readonly unconfirmedLater: Unconfirmed[];
    /** Each enabled part's stage, and the stage after it (absent at the last). */
    readonly stages: PartStage[];
}

export interface PartStage {
    readonly part: Part;
    readonly stage: string;
    readonly next?: string;
}

export interface Plan {
    readonly document: PlanDocument;
    readonly evaluation: Evaluation;
    readonly recorded: RecordedResource[];
    /** Values nobody has confirmed against the live account that the current stages read; `pulumi up` refuses them. */
    readonly unconfirmed: Unconfirmed[];
    /** What the program logged, e.g. the placeholder values `pulumi up` refuses: one line each. */
    readonly diagnostics: string[];
    /** The stack outputs the program exports (the enabled parts' only). */
    readonly outputNames: string[];
}

/** Bad stack config: every line names a key, the value and what is allowed. */
export class PlanConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
    }
}

function urnsOf(run: ProgramRun): Map<string, string> {
    const typeOf = new Map(run.mocks.resources.map((r) => [r.name, r.type]));
    const urns = new Map<string, string>();
    for (const r of run.mocks.resources) {
        const chain: string[] = [];
        for (let parent = run.parents.get(r.name); parent && parent !== run.stackName; parent = run.parents.get(parent))
            chain.unshift(typeOf.get(parent) ?? "");
        const qualified = [...chain, r.type].join("$");
        urns.set(r.name, `urn:pulumi:${run.stack}::${PROJECT}::${qualified}::${r.name}`);
    }
    return urns;
}

/** Region of each resource, read from the provider it was registered with. */
function regionsOf(run: ProgramRun, fallback: string): (name: string) => string {
    const providers = new Map(run.mocks.ofType("pulumi:providers:aws").map((p) => [p.name, String(p.inputs.region ?? fallback)]));
    const byName = new Map(run.mocks.resources.map((r) => [r.name, r]));
    return (name) => {
        const providerName = byName.get(name)?.provider?.split("::")[3];
        return (providerName && providers.get(providerName)) || fallback;
    };
}

/** What `pulumi preview --json` prints for a value known only after deployment. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Replaces the SDK's in-memory unknowns with the preview sentinel, so plans compare and serialise alike. */
function withUnknownSentinels(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withUnknownSentinels);
    if (value !== null && typeof value === "object") {
        if ((value as { __pulumiUnknown?: boolean }).__pulumiUnknown) return UNKNOWN;
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withUnknownSentinels(v)]));
    }
    return value;
}

function inventedOutputs(r: RecordedResource): Record<string, unknown> {
    const invented = Object.fromEntries(Object.entries(r.state).filter(([k]) => !(k in r.inputs)));
    return r.id ? { id: r.id, ...invented } : invented;
}

/** Runs the real program for a stack under mocks and evaluates the real policy pack on it. */
export async function buildPlan(stack: string, packConfig: PackConfig = {}, edit?: (config: Record<string, unknown>) => void): Promise<Plan> {
    const { config, secretKeys } = readStackFile(stack);
    edit?.(config);
    const projectConfig = projectEntries(config);
    const validation = validateStackConfig(projectConfig, new Set(secretKeys.map(projectKeyOf).filter((k): k is string => k !== undefined)));
    const misplaced = namespaceProblems(Object.keys(config), PROJECT);
    const problems = [...misplaced, ...secretConfigProblems(secretKeys, Object.keys(config)), ...(validation.ok ? [] : validation.problems)];
    if (problems.length > 0 || !validation.ok) throw new PlanConfigError(problems);
    let onlyPart: Part | undefined;
    try {
        onlyPart = partFromEnvironment(process.env);
    } catch (error) {
        if (error instanceof PartVariableError) throw new PlanConfigError([error.message]);
        throw error;
    }

    const run = await runProgram(config, { stack, lookups: lookupsFromConfig(projectConfig), secretKeys });
    const urns = urnsOf(run);
    // The mock monitor's URNs keep only the nearest parent type; map them by name to the engine's.
    const engineUrn = (mockUrn: string) => urns.get(mockUrn.split("::").pop()!) ?? mockUrn;
    const resources: PlanResource[] = run.mocks.resources.map((r) => {
        const options = run.mocks.options.get(r.name);
        return {
            urn: urns.get(r.name)!,
            type: r.type,
            name: r.name,
            // Resources created without an explicit parent are children of the root stack, as in the engine.
            parent: r.type === "pulumi:pulumi:Stack" ? null : (urns.get(run.parents.get(r.name) ?? run.stackName) ?? null),
            inputs: withUnknownSentinels(r.inputs) as Record<string, unknown>,
            outputs: inventedOutputs(r),
            ...(r.importId ? { importId: r.importId } : {}),
            protect: options?.protect ?? false,
            retainOnDelete: options?.retainOnDelete ?? false,
            ignoreChanges: options?.ignoreChanges ?? [],
            dependencies: [...new Set((options?.dependencies ?? []).map(engineUrn))].sort(),
        };
    });
    const underCheck: ResourceUnderCheck[] = run.mocks.resources.map((r, i) => ({
        urn: resources[i].urn,
        type: r.type,
        name: r.name,
        inputs: resources[i].inputs,
        outputs: { ...r.state, ...(r.id ? { id: r.id } : {}) },
        parent: resources[i].parent ?? undefined,
        protect: resources[i].protect,
    }));
    const evaluation = evaluatePolicies(underCheck, packConfig, undefined, config);
    const cost = estimateCost(
        run.mocks.resources.map((r) => ({ type: r.type, name: r.name, natGateways: r.state.natGateways })),
        regionsOf(run, String(config["aws:region"] ?? "us-east-1")),
    );
    const { now: unconfirmed, later: unconfirmedLater } = unconfirmedByStage(validation.config, undefined, onlyPart);
    const stages = PARTS.flatMap((part): PartStage[] => {
        const settings = validation.config[part];
        if (!settings?.enabled) return [];
        const next = nextStage(part, settings.stage);
        return [{ part, stage: settings.stage, ...(next ? { next } : {}) }];
    });
    return {
        document: { stack, resources, violations: evaluation.violations, notEvaluated: evaluation.notEvaluated, cost, unconfirmed, unconfirmedLater, stages },
        evaluation,
        recorded: run.mocks.resources,
        unconfirmed,
        diagnostics: run.diagnostics,
        outputNames: run.outputNames,
    };
}

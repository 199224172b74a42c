import { FieldProblem } from "./problems";

/**
 * App Runner's documented limits, shared by the component (which refuses bad config before
 * anything is sent to AWS) and the policy pack (which catches the same values in any program).
 */

export const HEALTH_CHECK_LIMITS = {
    interval: { min: 1, max: 20, default: 5 },
    timeout: { min: 1, max: 20, default: 2 },
    healthyThreshold: { min: 1, max: 20, default: 1 },
    unhealthyThreshold: { min: 1, max: 20, default: 5 },
} as const;

export type HealthCheckField = keyof typeof HEALTH_CHECK_LIMITS;
export const HEALTH_CHECK_PROTOCOLS = ["HTTP", "TCP"] as const;

export interface HealthCheckValues {
    protocol?: unknown;
    path?: unknown;
    interval?: unknown;
    timeout?: unknown;
    healthyThreshold?: unknown;
    unhealthyThreshold?: unknown;
}

const UNITS: Record<HealthCheckField, string> = {
    interval: "seconds",
    timeout: "seconds",
    healthyThreshold: "checks",
    unhealthyThreshold: "checks",
};

/** Problems with a health check; empty when App Runner would accept it. */
export function healthCheckProblems(check: HealthCheckValues): FieldProblem[] {
    const problems: FieldProblem[] = [];
    const protocol = String(check.protocol ?? "TCP");
    if (check.protocol !== undefined && !HEALTH_CHECK_PROTOCOLS.includes(protocol as "HTTP")) {
        problems.push({ field: "protocol", message: `must be HTTP or TCP; got ${JSON.stringify(check.protocol)}` });
    }
    if (check.path !== undefined && protocol !== "HTTP") {
        problems.push({ field: "path", message: `applies only to the HTTP protocol; got path ${JSON.stringify(check.path)} with protocol ${protocol}` });
    } else if (check.path !== undefined && (typeof check.path !== "string" || !check.path.startsWith("/"))) {
        problems.push({ field: "path", message: `must start with "/"; got ${JSON.stringify(check.path)}` });
    }
    for (const field of Object.keys(HEALTH_CHECK_LIMITS) as HealthCheckField[]) {
        const value = check[field];
        if (value === undefined) continue;
        const { min, max } = HEALTH_CHECK_LIMITS[field];
        if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
            problems.push({ field, message: `must be ${min}–${max} ${UNITS[field]} (App Runner limit); got ${JSON.stringify(value)}` });
        }
    }
    return problems;
}

/** App Runner's allowed vCPU → memory (GB) pairs. */
export const INSTANCE_SIZES: Readonly<Record<string, readonly number[]>> = {
    "0.25": [0.5, 1],
    "0.5": [1],
    "1": [2, 3, 4],
    "2": [4, 6],
    "4": [8, 10, 12],
};

/** Accepts App Runner's spellings: `1024`, `"1024"`, `"1 vCPU"`, `"1"` → 1 (vCPU). */
export function parseCpu(value: unknown): number | undefined {
    return parseAmount(value, "vcpu", 4);
}

/** Accepts `2048`, `"2048"`, `"2 GB"`, `"0.5"` → 2 / 0.5 (GB). */
export function parseMemory(value: unknown): number | undefined {
    return parseAmount(value, "gb", 12);
}

/**
 * A number with an optional unit, in time linear in the input: a single pattern with
 * whitespace on both sides of an optional unit backtracks quadratically on long runs of spaces.
 * Plain numbers above `plainMax` are API units (CPU units, MB), divided by 1024.
 */
function parseAmount(value: unknown, unit: string, plainMax: number): number | undefined {
    const text = String(value ?? "")
        .trim()
        .toLowerCase();
    const number = text.endsWith(unit) ? text.slice(0, -unit.length).trimEnd() : text;
    if (!/^\d+(?:\.\d+)?$/.test(number)) return undefined;
    const amount = Number(number);
    return number !== text || amount <= plainMax ? amount : amount / 1024;
}

export function describeInstanceSizes(): string {
    return Object.entries(INSTANCE_SIZES)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([cpu, memories]) => `${cpu} vCPU → ${memories.join("/")} GB`)
        .join("; ");
}

/** A problem with a CPU/memory pair (reported on `cpu`), or undefined when App Runner offers it. */
export function instanceSizeProblem(cpu: unknown, memory: unknown): FieldProblem | undefined {
    const vcpu = parseCpu(cpu);
    const gb = parseMemory(memory);
    const allowed = vcpu === undefined ? undefined : INSTANCE_SIZES[String(vcpu)];
    if (allowed === undefined || gb === undefined || !allowed.includes(gb)) {
        return {
            field: "cpu",
            message: `and memory must be an App Runner pair (${describeInstanceSizes()}); got cpu ${JSON.stringify(cpu)}, memory ${JSON.stringify(memory)}`,
        };
    }
    return undefined;
}

/** App Runner's API spelling of a size: CPU units and MB as strings, e.g. "1024"/"2048". */
export function instanceSizeForApi(cpu: unknown, memory: unknown): { cpu: string; memory: string } {
    return { cpu: String(Math.round((parseCpu(cpu) ?? 0) * 1024)), memory: String(Math.round((parseMemory(memory) ?? 0) * 1024)) };
}

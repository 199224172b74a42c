/**
 * The data-store ports the stack's own config declares (`egress-remediation:appRunner` →
 * `dataStores.postgresPort` / `redisPort`), so moving PostgreSQL to 15432 moves the check with it.
 * The Pulumi CLI starts a policy pack with the stack's config in PULUMI_CONFIG (a JSON object of
 * `project:key` → value, objects as JSON text), the same channel a program reads; the offline
 * tools set it the same way.
 */
export const STACK_CONFIG_KEY = "egress-remediation:appRunner";
const PORT_KEYS = ["postgresPort", "redisPort"] as const;

let cachedSource: string | undefined;
let cachedPorts: readonly number[] = [];

export function stackDataStorePorts(source: string | undefined = process.env.PULUMI_CONFIG): readonly number[] {
    if (source === cachedSource) return cachedPorts;
    cachedSource = source;
    cachedPorts = parsePorts(source);
    return cachedPorts;
}

function parsePorts(source: string | undefined): number[] {
    const config = parseObject(source);
    const appRunner = parseObject(config?.[STACK_CONFIG_KEY] ?? config?.["egress-remediation:config:appRunner"]);
    const dataStores = appRunner?.dataStores as Record<string, unknown> | undefined;
    return PORT_KEYS.map((key) => Number(dataStores?.[key])).filter((port) => Number.isInteger(port) && port >= 1 && port <= 65535);
}

function parseObject(value: unknown): Record<string, unknown> | undefined {
    if (typeof value === "string") {
        try {
            value = JSON.parse(value);
        } catch {
            return undefined;
        }
    }
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

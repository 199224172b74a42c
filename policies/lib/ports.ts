/** Well-known database ports checked by default, with the engine each belongs to. */
export const DEFAULT_DATABASE_PORTS: Readonly<Record<number, string>> = {
    1433: "SQL Server",
    1521: "Oracle",
    3306: "MySQL/Aurora",
    5432: "PostgreSQL",
    5439: "Redshift",
    6379: "Redis",
    9042: "Cassandra",
    9200: "Elasticsearch/OpenSearch",
    9300: "Elasticsearch/OpenSearch transport",
    11211: "Memcached",
    27017: "MongoDB",
};

export const DEFAULT_DATABASE_PORT_LIST: readonly number[] = Object.keys(DEFAULT_DATABASE_PORTS).map(Number);

/** The traffic a rule admits, reduced to what matters for port checks. */
export interface PortSpan {
    /** true when the rule admits every port (all-traffic protocol, or no ports given). */
    readonly allPorts: boolean;
    readonly from: number;
    readonly to: number;
    /** ICMP rules carry types and codes in the port fields, never ports. */
    readonly carriesPorts: boolean;
}

const ALL_TRAFFIC = new Set(["-1", "all"]);
const ICMP = new Set(["icmp", "1", "icmpv6", "58"]);

function toPort(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
    return undefined;
}

/**
 * Normalises a rule's protocol and port fields. Conservative on purpose: a missing port, a
 * negative port or an unknown protocol means "every port", so a rule cannot hide a database
 * port behind an odd spelling.
 */
export function portSpan(protocol: unknown, fromPort: unknown, toPort_: unknown): PortSpan {
    const proto = String(protocol ?? "-1")
        .trim()
        .toLowerCase();
    if (ICMP.has(proto)) return { allPorts: false, from: 0, to: -1, carriesPorts: false };
    const from = toPort(fromPort);
    const to = toPort(toPort_);
    if (ALL_TRAFFIC.has(proto) || from === undefined || to === undefined || from < 0 || to < 0) {
        return { allPorts: true, from: 0, to: 65535, carriesPorts: true };
    }
    return { allPorts: false, from: Math.min(from, to), to: Math.max(from, to), carriesPorts: true };
}

/** The database ports (from `ports`) that a span admits. */
export function databasePortsIn(span: PortSpan, ports: readonly number[]): number[] {
    if (!span.carriesPorts) return [];
    return ports.filter((port) => span.allPorts || (port >= span.from && port <= span.to));
}

export function describePort(port: number): string {
    const engine = DEFAULT_DATABASE_PORTS[port];
    return engine ? `${port} (${engine})` : String(port);
}

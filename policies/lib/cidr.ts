import * as ipaddr from "ipaddr.js";

export type IpFamily = "ipv4" | "ipv6";

export interface CidrRange {
    readonly family: IpFamily;
    readonly start: bigint;
    readonly end: bigint;
}

const FAMILY_BITS: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };

function toBigInt(bytes: number[]): bigint {
    return bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
}

/**
 * Parses a CIDR into the address range it covers. Host bits are masked off, because AWS
 * accepts `10.1.2.3/0` in a few places and it opens exactly as much as `0.0.0.0/0`.
 * Returns undefined for anything that is not a CIDR (unknown values, prefix list ids, typos).
 */
export function parseCidr(text: unknown): CidrRange | undefined {
    if (typeof text !== "string") return undefined;
    const trimmed = text.trim();
    const withPrefix = trimmed.includes("/") ? trimmed : trimmed.includes(":") ? `${trimmed}/128` : `${trimmed}/32`;
    let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
        parsed = ipaddr.parseCIDR(withPrefix);
    } catch {
        return undefined;
    }
    const [address, prefix] = parsed;
    const family: IpFamily = address.kind() === "ipv4" ? "ipv4" : "ipv6";
    const bits = FAMILY_BITS[family];
    const hostBits = BigInt(bits - prefix);
    const base = (toBigInt(address.toByteArray()) >> hostBits) << hostBits;
    return { family, start: base, end: base + (1n << hostBits) - 1n };
}

/** True when the union of the ranges of one family covers that family's whole address space. */
export function coversWholeFamily(ranges: readonly CidrRange[], family: IpFamily): boolean {
    const sorted = ranges.filter((r) => r.family === family).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    const last = (1n << BigInt(FAMILY_BITS[family])) - 1n;
    let nextUncovered = 0n;
    for (const range of sorted) {
        if (range.start > nextUncovered) return false;
        if (range.end >= nextUncovered) nextUncovered = range.end + 1n;
        if (nextUncovered > last) return true;
    }
    return false;
}

/**
 * The families (IPv4, IPv6 or both) whose whole space the given CIDRs cover together.
 * CIDRs in `exempt` are left out of the union; a /0 can never be exempted.
 */
export function worldOpenFamilies(cidrs: readonly unknown[], exempt: readonly string[] = []): IpFamily[] {
    const exemptKeys = new Set(
        exempt
            .map(parseCidr)
            .filter((r): r is CidrRange => r !== undefined && r.end - r.start < (1n << BigInt(FAMILY_BITS[r.family])) - 1n)
            .map(rangeKey),
    );
    const ranges = cidrs.map(parseCidr).filter((r): r is CidrRange => r !== undefined && !exemptKeys.has(rangeKey(r)));
    return (["ipv4", "ipv6"] as const).filter((family) => coversWholeFamily(ranges, family));
}

function rangeKey(range: CidrRange): string {
    return `${range.family}:${range.start}:${range.end}`;
}

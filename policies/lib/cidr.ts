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
    // Stacks repeat the same few CIDRs thousands of times; parsing dominates a check without this.
    if (parsedCidrs.has(text)) return parsedCidrs.get(text);
    const range = parseUncached(text);
    if (parsedCidrs.size >= CACHE_LIMIT) parsedCidrs.clear();
    parsedCidrs.set(text, range);
    return range;
}

const CACHE_LIMIT = 50_000;
const parsedCidrs = new Map<string, CidrRange | undefined>();

function parseUncached(text: string): CidrRange | undefined {
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
    return worldOpenFamiliesOf(countedRanges(cidrs, exempt));
}

export function worldOpenFamiliesOf(ranges: readonly CidrRange[]): IpFamily[] {
    return (["ipv4", "ipv6"] as const).filter((family) => coversWholeFamily(ranges, family));
}

/** The ranges of `cidrs` that count towards the world: parseable, and not exempted. A /0 is never exempt. */
export function countedRanges(cidrs: readonly unknown[], exempt: readonly string[] = []): CidrRange[] {
    const exempted = exempt.map(parseCidr).filter((r): r is CidrRange => r !== undefined && !isWholeFamily(r));
    const ranges: CidrRange[] = [];
    for (const cidr of cidrs) {
        const range = parseCidr(cidr);
        if (range && !exempted.some((e) => e.family === range.family && e.start === range.start && e.end === range.end)) ranges.push(range);
    }
    return ranges;
}

function isWholeFamily(range: CidrRange): boolean {
    return range.start === 0n && range.end === (1n << BigInt(FAMILY_BITS[range.family])) - 1n;
}

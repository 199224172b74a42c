import * as ipaddr from "ipaddr.js";

export type IpFamily = "ipv4" | "ipv6";

export interface CidrRange {
    readonly family: IpFamily;
    readonly start: bigint;
    readonly end: bigint;
    readonly prefix: number;
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
    return { family, start: base, end: base + (1n << hostBits) - 1n, prefix };
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

/** The families (IPv4, IPv6 or both) whose whole space the given CIDRs cover together. */
export function worldOpenFamilies(cidrs: readonly unknown[]): IpFamily[] {
    return worldOpenFamiliesOf(cidrs.map(parseCidr).filter((r): r is CidrRange => r !== undefined));
}

export function worldOpenFamiliesOf(ranges: readonly CidrRange[]): IpFamily[] {
    return (["ipv4", "ipv6"] as const).filter((family) => coversWholeFamily(ranges, family));
}

/** Ranges never routed on the internet: RFC 1918, shared (CGNAT), loopback, link-local; IPv6 ULA, link-local, loopback. */
const PRIVATE_RANGES: readonly CidrRange[] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
].map((cidr) => parseCidr(cidr)!);

export function isPrivate(range: CidrRange): boolean {
    return PRIVATE_RANGES.some((p) => p.family === range.family && p.start <= range.start && range.end <= p.end);
}

/** Shortest prefix a public (non-private) source may have, per family. */
export interface MinPublicPrefix {
    readonly ipv4: number;
    readonly ipv6: number;
}

/** A range wider than the family's minimum public prefix and not wholly private (0.0.0.0/1, 11.0.0.0/8 with /16). */
export function isBroadPublic(range: CidrRange, minimum: MinPublicPrefix): boolean {
    return range.prefix < minimum[range.family] && !isPrivate(range);
}

/**
 * The exemptions that may apply. An exemption never covers what the policy exists to catch:
 * a /0 or a broad public range is dropped, and when the remaining exemptions of one family
 * together cover that family's whole space, none of that family's exemptions apply.
 */
export function effectiveExemptions(exempt: readonly unknown[], minimum: MinPublicPrefix): CidrRange[] {
    const ranges = exempt.map(parseCidr).filter((r): r is CidrRange => r !== undefined && !isWholeFamily(r) && !isBroadPublic(r, minimum));
    const voided = worldOpenFamiliesOf(ranges);
    return ranges.filter((r) => !voided.includes(r.family));
}

/** The ranges of `cidrs` that count: parseable, and not inside an (effective) exemption. */
export function countedRanges(cidrs: readonly unknown[], exemptions: readonly CidrRange[] = []): CidrRange[] {
    const ranges: CidrRange[] = [];
    for (const cidr of cidrs) {
        const range = parseCidr(cidr);
        if (range && !exemptions.some((e) => e.family === range.family && e.start <= range.start && range.end <= e.end)) ranges.push(range);
    }
    return ranges;
}

function isWholeFamily(range: CidrRange): boolean {
    return range.prefix === 0;
}

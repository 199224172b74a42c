/**
 * What bills by the hour in a plan: NAT gateways and their public IPv4 addresses. Prices are
 * USD list prices (NAT: per hour and per GB processed; public IPv4: $0.005/h since Feb 2024).
 * Regions not in the table are shown without a figure rather than guessed.
 */
export const NAT_PRICES: Readonly<Record<string, { hourly: number; perGb: number }>> = {
    "us-east-1": { hourly: 0.045, perGb: 0.045 },
    "us-east-2": { hourly: 0.045, perGb: 0.045 },
    "us-west-2": { hourly: 0.045, perGb: 0.045 },
    "eu-west-1": { hourly: 0.048, perGb: 0.048 },
    "eu-central-1": { hourly: 0.052, perGb: 0.052 },
};
export const PUBLIC_IPV4_HOURLY = 0.005;
export const HOURS_PER_MONTH = 730;

export interface CostItem {
    readonly resource: string;
    readonly type: string;
    readonly region: string;
    readonly monthlyUsd: number | null;
    readonly note: string;
}

export interface CostEstimate {
    readonly monthlyUsd: number;
    readonly items: CostItem[];
}

const round = (n: number) => Math.round(n * 100) / 100;

function natItem(resource: string, region: string, note = ""): CostItem {
    const price = NAT_PRICES[region];
    return {
        resource,
        type: "aws:ec2/natGateway:NatGateway",
        region,
        monthlyUsd: price ? round(price.hourly * HOURS_PER_MONTH) : null,
        note: price ? `$${price.hourly}/h + $${price.perGb}/GB processed${note}` : `no price for ${region} in the table`,
    };
}

function publicIpItem(resource: string, region: string, note = ""): CostItem {
    return {
        resource,
        type: "aws:ec2/eip:Eip",
        region,
        monthlyUsd: round(PUBLIC_IPV4_HOURLY * HOURS_PER_MONTH),
        note: `public IPv4 $${PUBLIC_IPV4_HOURLY}/h${note}`,
    };
}

/**
 * Monthly cost of the hourly-billed resources; `regionOf` says where each one lives. An awsx
 * VPC is priced by the NAT gateways its outputs list (offline: as many as its strategy makes).
 */
export function estimateCost(resources: readonly { type: string; name: string; natGateways?: unknown }[], regionOf: (name: string) => string): CostEstimate {
    const items: CostItem[] = [];
    for (const r of resources) {
        const region = regionOf(r.name);
        if (r.type === "aws:ec2/natGateway:NatGateway") items.push(natItem(r.name, region));
        else if (r.type === "aws:ec2/eip:Eip") items.push(publicIpItem(r.name, region));
        else if (r.type === "awsx:ec2:Vpc") {
            const count = Array.isArray(r.natGateways) ? r.natGateways.length : 0;
            for (let i = 1; i <= count; i++) {
                items.push(natItem(`${r.name} NAT ${i}`, region, " (created by awsx)"), publicIpItem(`${r.name} NAT ${i} IP`, region, " (created by awsx)"));
            }
        }
    }
    return { monthlyUsd: round(items.reduce((sum, i) => sum + (i.monthlyUsd ?? 0), 0)), items };
}

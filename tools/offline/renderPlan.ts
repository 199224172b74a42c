import Table from "cli-table3";
import { policies } from "../../policies/all";
import { preparePolicies, PackConfig } from "./evaluatePolicies";
import { Change } from "./diffPlans";
import { Plan, PlanResource } from "./planDocument";
import { violationTable } from "./violationTable";

const SIBLINGS_SHOWN = 6;
const COMPACT = { chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" }, style: { head: [], border: [] } };

function opOf(r: PlanResource): string {
    return r.importId ? "=" : "+";
}

/** A tree like `pulumi preview`'s; runs of more than a few siblings of one type are folded. */
export function renderTree(resources: readonly PlanResource[]): string[] {
    const children = new Map<string | null, PlanResource[]>();
    for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const lines: string[] = [];
    const walk = (parent: string | null, prefix: string) => {
        const kids = children.get(parent) ?? [];
        const shownPerType = new Map<string, number>();
        const visible = kids.filter((k) => {
            const n = (shownPerType.get(k.type) ?? 0) + 1;
            shownPerType.set(k.type, n);
            return n <= SIBLINGS_SHOWN;
        });
        const folded = [...shownPerType].filter(([, n]) => n > SIBLINGS_SHOWN);
        const entries: (PlanResource | string)[] = [...visible, ...folded.map(([type, n]) => `… ${n - SIBLINGS_SHOWN} more ${type}`)];
        entries.forEach((entry, i) => {
            const last = i === entries.length - 1;
            const branch = parent === null ? "" : last ? "└─ " : "├─ ";
            if (typeof entry === "string") {
                lines.push(`     ${prefix}${branch}${entry}`);
                return;
            }
            const plan = entry.importId ? `import ${entry.importId}` : "create";
            const marks = [entry.protect ? "[protect]" : "", entry.retainOnDelete ? "[retain]" : ""].filter(Boolean).join(" ");
            lines.push(` ${opOf(entry)}   ${prefix}${branch}${entry.type}  ${entry.name}  ${plan}${marks ? `  ${marks}` : ""}`);
            walk(entry.urn, parent === null ? "" : prefix + (last ? "   " : "│  "));
        });
    };
    walk(null, "");
    return lines;
}

function countsPerType(resources: readonly PlanResource[]): string {
    const table = new Table({ head: ["Type", "Create", "Import"], ...COMPACT });
    const counts = new Map<string, { create: number; import: number }>();
    for (const r of resources) {
        const c = counts.get(r.type) ?? { create: 0, import: 0 };
        if (r.importId) c.import += 1;
        else c.create += 1;
        counts.set(r.type, c);
    }
    for (const [type, c] of [...counts].sort(([a], [b]) => a.localeCompare(b))) table.push([type, c.create, c.import]);
    return table.toString();
}

/** Which subnet routes to which NAT, and what App Runner egresses through. */
export function egressLines(plan: Plan): string[] {
    const rs = plan.recorded;
    const byId = new Map(rs.filter((r) => r.id).map((r) => [r.id!, r]));
    const lines: string[] = [];
    for (const service of rs.filter((r) => r.type === "aws:apprunner/service:Service")) {
        const egress = (service.inputs.networkConfiguration as { egressConfiguration?: { egressType?: string; vpcConnectorArn?: string } } | undefined)
            ?.egressConfiguration;
        const connector = rs.find((r) => r.type === "aws:apprunner/vpcConnector:VpcConnector" && r.state.arn === egress?.vpcConnectorArn);
        lines.push(
            `App Runner ${String(service.inputs.serviceName)}: egress ${egress?.egressType ?? "DEFAULT"}` +
                (connector ? ` via connector ${String(connector.inputs.vpcConnectorName)} (subnets ${(connector.inputs.subnets as string[]).join(", ")})` : ""),
        );
    }
    for (const association of rs.filter((r) => r.type === "aws:ec2/routeTableAssociation:RouteTableAssociation")) {
        const table = byId.get(String(association.inputs.routeTableId));
        const route = rs.find(
            (r) =>
                r.type === "aws:ec2/route:Route" && r.inputs.routeTableId === association.inputs.routeTableId && r.inputs.destinationCidrBlock === "0.0.0.0/0",
        );
        const nat = route && byId.get(String(route.inputs.natGatewayId));
        const eip = nat && byId.get(String(nat.inputs.allocationId));
        lines.push(
            `  ${String(association.inputs.subnetId)} → route table ${table?.name ?? "?"} → 0.0.0.0/0 → ` +
                (nat ? `NAT ${nat.name} in ${String(nat.inputs.subnetId)} (Elastic IP ${eip?.name ?? "?"}) → internet gateway` : "no NAT: no internet"),
        );
    }
    for (const vpc of rs.filter((r) => r.type === "awsx:ec2:Vpc")) {
        const strategy = (vpc.inputs.natGateways as { strategy?: string } | undefined)?.strategy ?? "?";
        lines.push(`  awsx VPC ${vpc.name}: private subnets → NAT strategy ${strategy} (remote component: its routes are not visible offline)`);
    }
    if (lines.length === 0) lines.push("No App Runner service in this stack.");
    return lines;
}

function policyResults(plan: Plan, packConfig: PackConfig): string {
    const prepared = preparePolicies(packConfig);
    const table = new Table({ head: ["Policy", "Level", "Result"], ...COMPACT });
    for (const policy of policies) {
        const { level } = prepared.get(policy.name)!;
        const found = plan.evaluation.violations.filter((v) => v.policyName === policy.name).length;
        const skipped = plan.evaluation.notEvaluated.filter((n) => n.policyName === policy.name).length;
        table.push([
            policy.name,
            level,
            level === "disabled" ? "skipped" : found ? `${found} violation(s)` : skipped ? "not evaluated (unknown values)" : "pass",
        ]);
    }
    return table.toString();
}

function costLines(plan: Plan): string[] {
    const { cost } = plan.document;
    if (cost.items.length === 0) return ["Nothing in this plan bills by the hour."];
    const table = new Table({ head: ["Resource", "Region", "USD / month", "Rate"], ...COMPACT });
    for (const item of cost.items) table.push([item.resource, item.region, item.monthlyUsd === null ? "—" : item.monthlyUsd.toFixed(2), item.note]);
    return [table.toString(), `Estimated fixed cost: $${cost.monthlyUsd.toFixed(2)} per month, plus data processed through NAT.`];
}

export function renderPlan(plan: Plan, packConfig: PackConfig): string {
    const { stack, resources } = plan.document;
    const imports = resources.filter((r) => r.importId).length;
    const out = [
        `Offline plan for stack "${stack}": the real program under Pulumi's mocks, with this stack's config.`,
        `This is an approximation: no engine, no provider, no AWS. Ids and ARNs are invented; only inputs are real.`,
        `The real command: pulumi preview --stack ${stack} --policy-pack policies`,
        "",
        "     Type  Name  Plan",
        ...renderTree(resources),
        "",
        `Resources: ${resources.length - imports} to create, ${imports} to import (adopted, protected)`,
        countsPerType(resources),
        "",
        "Egress path:",
        ...egressLines(plan),
        "",
        "Policies (egress-remediation-guard, evaluated offline):",
        policyResults(plan, packConfig),
        ...(plan.evaluation.violations.length ? [violationTable(plan.evaluation.violations)] : []),
        "",
        "Monthly cost of what bills by the hour:",
        ...costLines(plan),
    ];
    const adopted = adoptedLines(resources);
    if (adopted.length > 0) out.push("", "Adopted resources: what the program sets, and what it keeps as it is live (ignoreChanges):", ...adopted);
    out.push("", ...unconfirmedLines(plan));
    return out.join("\n");
}

/** For each import: the inputs the program sets and the properties it leaves as they are live. */
export function adoptedLines(resources: readonly PlanResource[]): string[] {
    return resources
        .filter((r) => r.importId)
        .flatMap((r) => {
            const kept = r.ignoreChanges ?? [];
            const sets = Object.keys(r.inputs).filter((k) => !kept.includes(k) && !k.startsWith("__"));
            return [`  ${r.name} (${r.type})`, `      sets: ${sets.join(", ") || "nothing"}`, `      keeps live: ${kept.join(", ") || "nothing"}`];
        });
}

export function unconfirmedLines(plan: Pick<Plan, "unconfirmed">): string[] {
    if (plan.unconfirmed.length === 0) return ["Every value is confirmed: `pulumi up` may run."];
    return [
        `Before \`pulumi up\` (it refuses while any is listed): ${plan.unconfirmed.length} unconfirmed value(s). Confirm each, then set it or drop it from egress-remediation:unverified.`,
        ...plan.unconfirmed.flatMap((u) => [`  egress-remediation:${u.key}: ${u.reason}`, `      confirm: ${u.confirm}`]),
    ];
}

export function renderChanges(changes: readonly Change[]): string {
    if (changes.length === 0) return "No changes against the previous plan.";
    const order = { "-": 0, "+-": 1, "~": 2, "+": 3 };
    const lines = [...changes]
        .sort((a, b) => order[a.op] - order[b.op] || a.name.localeCompare(b.name))
        .map(
            (c) =>
                ` ${c.op.padEnd(2)} ${c.type}  ${c.name}${c.keys.length ? `  [${c.keys.join(", ")}]` : ""}${c.retained ? "  [retain: leaves state, stays in AWS]" : ""}`,
        );
    const count = (op: string) => changes.filter((c) => c.op === op).length;
    return [...lines, `Changes: ${count("+")} to create, ${count("~")} to update, ${count("+-")} to replace, ${count("-")} to delete`].join("\n");
}

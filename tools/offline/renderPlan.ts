import { Exemption, exemptionInForce } from "../../policies/lib/exemptions";
import Table from "cli-table3";
import { PROJECT } from "../../config/validate";
import { policies } from "../../policies/all";
import { mandatoryCount, mandatoryNotEvaluatedOnSecrets, preparePolicies, PackConfig } from "./evaluatePolicies";
import { Change } from "./diffPlans";
import { Plan, PlanResource } from "./planDocument";
import { alignColumns, displayType } from "./previewLayout";
import { violationTable } from "./violationTable";

const SIBLINGS_SHOWN = 6;
const COMPACT = { chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" }, style: { head: [], border: [] } };
const HEADER = ["     Type", "Name", "Plan", "Info"];

function opOf(r: PlanResource): string {
    return r.importId ? "=" : "+";
}

function plural(n: number, word: string): string {
    return n === 0 ? "" : `${n} ${word}${n > 1 ? "s" : ""}`;
}

function infoOf(r: PlanResource, diagnostics: readonly string[]): string {
    if (r.type === "pulumi:pulumi:Stack") {
        const warnings = diagnostics.filter((d) => d.startsWith("warning:")).length;
        return [plural(diagnostics.length - warnings, "error"), plural(warnings, "warning")].filter(Boolean).join("; ");
    }
    return [r.importId && `from ${r.importId}`, r.protect && "protected", r.retainOnDelete && "retained on delete"].filter(Boolean).join("; ");
}

/**
 * A tree like `pulumi preview`'s, with its Type, Name, Plan and Info columns aligned; runs of more
 * than a few siblings of one type are folded.
 */
export function renderTree(resources: readonly PlanResource[], diagnostics: readonly string[] = []): string[] {
    const children = new Map<string | null, PlanResource[]>();
    for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const rows: string[][] = [HEADER];
    const walk = (parent: string | null, prefix: string) => {
        const kids = children.get(parent) ?? [];
        const shownPerType = new Map<string, number>();
        const visible = kids.filter((k) => {
            const n = (shownPerType.get(k.type) ?? 0) + 1;
            shownPerType.set(k.type, n);
            return n <= SIBLINGS_SHOWN;
        });
        const folded = [...shownPerType].filter(([, n]) => n > SIBLINGS_SHOWN);
        const entries: (PlanResource | string)[] = [...visible, ...folded.map(([type, n]) => `… ${n - SIBLINGS_SHOWN} more ${displayType(type)}`)];
        entries.forEach((entry, i) => {
            const last = i === entries.length - 1;
            const branch = parent === null ? "" : last ? "└─ " : "├─ ";
            if (typeof entry === "string") {
                rows.push([`     ${prefix}${branch}${entry}`]);
                return;
            }
            const typeCell = ` ${opOf(entry)}   ${prefix}${branch}${displayType(entry.type)}`;
            rows.push([typeCell, entry.name, entry.importId ? "import" : "create", infoOf(entry, diagnostics)]);
            walk(entry.urn, parent === null ? "" : prefix + (last ? "   " : "│  "));
        });
    };
    walk(null, "");
    return alignColumns(rows);
}

/** The preview's `Resources:` block: one line per kind of step, then the total. */
function summary(counts: readonly (readonly [string, number, string])[], unchanged?: number): string[] {
    const lines = counts.filter(([, n]) => n > 0).map(([op, n, what]) => `    ${op.padEnd(2)}${n} ${what}`);
    const total = counts.reduce((sum, [, n]) => sum + n, 0);
    const tail = unchanged === undefined ? "" : `. ${unchanged} unchanged`;
    return ["Resources:", ...lines, `    ${total === 0 ? "no" : total} change${total === 1 ? "" : "s"}${tail}`];
}

/** The program's warnings, less the unconfirmed values the plan lists in its own section (said once). */
function shownDiagnostics(plan: Plan): string[] {
    return plan.diagnostics.filter((d) => !d.startsWith(`warning: unconfirmed ${PROJECT}:`));
}

function diagnosticLines(plan: Plan): string[] {
    const diagnostics = shownDiagnostics(plan);
    if (diagnostics.length === 0) return [];
    const stack = plan.document.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    return ["Diagnostics:", `  pulumi:pulumi:Stack (${stack?.name ?? plan.document.stack}):`, ...diagnostics.map((d) => `    ${d}`), ""];
}

/** Names only: in a preview every output is still unknown, which the preview prints as `output<string>`. */
function outputLines(plan: Plan): string[] {
    if (plan.outputNames.length === 0) return [];
    return ["Outputs:", ...plan.outputNames.map((name) => `    ${name}: output<string>`), ""];
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
        const causes = [...new Set(plan.evaluation.notEvaluated.filter((n) => n.policyName === policy.name).map((n) => `${n.cause} values`))];
        table.push([
            policy.name,
            level,
            level === "disabled" ? "skipped" : found ? `${found} violation(s)` : causes.length ? `not evaluated (${causes.join(", ")})` : "pass",
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

/**
 * The offline plan as `pulumi preview` prints it (tree, Diagnostics, Outputs, Resources), then what the
 * preview cannot show: the egress path, every policy's result and the monthly cost. With `against`
 * (from `--against`), the changes take the whole tree's place.
 */
export function renderPlan(plan: Plan, packConfig: PackConfig, against?: { file: string; changes: readonly Change[] }): string {
    const { stack, resources } = plan.document;
    const imports = resources.filter((r) => r.importId).length;
    const body = against
        ? [`Changes against ${against.file}:`, ...renderChanges(against.changes, resources.length), "", ...diagnosticLines(plan), ...outputLines(plan)]
        : [
              ...renderTree(resources, shownDiagnostics(plan)),
              "",
              ...diagnosticLines(plan),
              ...outputLines(plan),
              ...summary([
                  ["+", resources.length - imports, "to create"],
                  ["=", imports, "to import"],
              ]),
          ];
    return [
        `Previewing update (${stack}) offline: the real program under Pulumi's mocks, with this stack's config.`,
        `No engine, no provider, no AWS: ids and ARNs are invented, only inputs are real. The real command: pulumi preview --stack ${stack} --policy-pack policies --policy-pack-config policies/exemptions.json`,
        ...stageLines(plan),
        "",
        ...body,
        "",
        "Egress path:",
        ...egressLines(plan),
        "",
        "Policies (egress-remediation-guard, evaluated offline):",
        policyResults(plan, packConfig),
        ...(plan.evaluation.violations.length ? [violationTable(plan.evaluation.violations)] : []),
        ...exemptionLines(resources, packConfig),
        "",
        "Monthly cost of what bills by the hour:",
        ...costLines(plan),
        ...adoptedSection(resources),
        "",
        ...unconfirmedLines(plan),
        "",
        verdictLine(plan),
    ].join("\n");
}

/** The plan's last line: what `pulumi up` would do with it, as the exit code says (1, 3 or 0). */
export function verdictLine(plan: Pick<Plan, "evaluation" | "unconfirmed">): string {
    const mandatory = mandatoryCount(plan.evaluation);
    if (mandatory > 0)
        return `Plan blocked: ${mandatory} mandatory policy violation(s) (listed under Policies above); \`pulumi up\` would fail the same way. Exit 1.`;
    if (mandatoryNotEvaluatedOnSecrets(plan.evaluation) > 0)
        return "Plan not judged: a mandatory policy met a secret it cannot read offline; judge it with `pulumi preview --policy-pack policies`. Exit 3.";
    if (plan.unconfirmed.length > 0)
        return `Plan passes the policies; \`pulumi up\` still refuses until the ${plan.unconfirmed.length} unconfirmed value(s) above are settled.`;
    return "Plan passes the policies, and every value the current stages read is confirmed.";
}

function adoptedSection(resources: readonly PlanResource[]): string[] {
    const adopted = adoptedLines(resources);
    return adopted.length > 0 ? ["", "Adopted resources: what the program sets, and what it keeps as it is live (ignoreChanges):", ...adopted] : [];
}

/** For each import: the inputs the program sets and the properties it leaves as they are live. */
export function adoptedLines(resources: readonly PlanResource[]): string[] {
    return resources
        .filter((r) => r.importId)
        .flatMap((r) => {
            const kept = r.ignoreChanges ?? [];
            const sets = Object.keys(r.inputs).filter((k) => !kept.includes(k) && !k.startsWith("__"));
            return [`  ${r.name} (${displayType(r.type)})`, `      sets: ${sets.join(", ") || "nothing"}`, `      keeps live: ${kept.join(", ") || "nothing"}`];
        });
}

/** The recorded exemptions of the pack config: in force (for a resource in this plan), expired, or naming nothing here. */
export function exemptionLines(resources: readonly PlanResource[], packConfig: PackConfig, now: number = Date.now()): string[] {
    const urns = new Set(resources.map((r) => r.urn));
    const lines = Object.entries(packConfig).flatMap(([policy, settings]) => {
        const exemptions = typeof settings === "object" ? ((settings as { exemptions?: Exemption[] }).exemptions ?? []) : [];
        return exemptions.map((e) => {
            const name = e.resource.split("::").pop();
            const state = !urns.has(e.resource)
                ? "names no resource in this plan (a later stage's, or stale: remove it once its stage is done)"
                : exemptionInForce([e], e.resource, now)
                  ? `in force until ${e.expires}`
                  : `expired ${e.expires}: the policy applies again`;
            return `  ${policy} on ${name}: ${state}. ${e.reason}`;
        });
    });
    return lines.length ? ["Recorded exemptions (policy config):", ...lines] : [];
}

/** Each part's stage and what its next pull request would change it to (docs/stages.md). */
export function stageLines(plan: Pick<Plan, "document">): string[] {
    const stages = plan.document.stages ?? [];
    if (stages.length === 0) return [];
    return [`Stages: ${stages.map((s) => `${s.part} ${s.stage}${s.next ? ` (next: ${s.next})` : " (the last)"}`).join(", ")}`];
}

export function unconfirmedLines(plan: Pick<Plan, "unconfirmed"> & { document?: Pick<Plan["document"], "unconfirmedLater"> }): string[] {
    const later = plan.document?.unconfirmedLater ?? [];
    const laterLines = later.length
        ? [
              "",
              `For later stages (settle each before that stage's pull request): ${later.length} unconfirmed value(s).`,
              ...later.flatMap((u) => [`  egress-remediation:${u.key}: ${u.reason}`, `      confirm: ${u.confirm}`]),
          ]
        : [];
    if (plan.unconfirmed.length === 0) return ["Every value the current stages read is confirmed: `pulumi up` may run.", ...laterLines];
    return [
        `Before \`pulumi up\` (it refuses while any is listed): ${plan.unconfirmed.length} unconfirmed value(s) the current stages read. Confirm each, then set it or drop it from egress-remediation:unverified.`,
        ...plan.unconfirmed.flatMap((u) => [`  egress-remediation:${u.key}: ${u.reason}`, `      confirm: ${u.confirm}`]),
        ...laterLines,
    ];
}

const VERB = { "+": "create", "~": "update", "+-": "replace", "-": "delete" } as const;

/** Changes as preview rows (deletions first), then the preview's `Resources:` counts. */
export function renderChanges(changes: readonly Change[], resourcesAfter?: number): string[] {
    if (changes.length === 0) return ["No changes against the previous plan."];
    const order = { "-": 0, "+-": 1, "~": 2, "+": 3 };
    const rows = [...changes]
        .sort((a, b) => order[a.op] - order[b.op] || a.name.localeCompare(b.name))
        .map((c) => [
            ` ${c.op.padEnd(2)}  ${displayType(c.type)}`,
            c.name,
            VERB[c.op],
            [c.keys.length ? `[diff: ${c.keys.map((k) => `~${k}`).join(", ")}]` : "", c.retained ? "[retain: leaves state, stays in AWS]" : ""]
                .filter(Boolean)
                .join(" "),
        ]);
    const count = (op: Change["op"]) => changes.filter((c) => c.op === op).length;
    const touched = count("+") + count("~") + count("+-");
    return [
        ...alignColumns([HEADER, ...rows]),
        "",
        ...summary(
            [
                ["+", count("+"), "to create"],
                ["~", count("~"), "to update"],
                ["+-", count("+-"), "to replace"],
                ["-", count("-"), "to delete"],
            ],
            resourcesAfter === undefined ? undefined : resourcesAfter - touched,
        ),
    ];
}

import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { effectiveExemptions } from "./lib/cidr";
import { databaseExposures, Exposure, ExposureSettings, IngressRule, ingressRulesOf } from "./lib/ingress";
import { notEvaluated } from "./lib/notEvaluated";
import { databasePortsIn, describePort, DEFAULT_DATABASE_PORT_LIST, portSpan } from "./lib/ports";
import { PrefixLists } from "./lib/prefixLists";
import { forTypes, TYPES } from "./lib/resourceTypes";
import { hasUnknown, Member, securityGroupMembers, UNKNOWN } from "./lib/securityGroupMembers";
import { stackDataStorePorts } from "./lib/stackDataStorePorts";

export interface DatabaseIngressConfig {
    databasePorts: number[];
    exemptCidrs: string[];
    minPublicPrefixIpv4: number;
    minPublicPrefixIpv6: number;
}

const configSchema = {
    properties: {
        databasePorts: {
            type: "array",
            items: { type: "integer", minimum: 1, maximum: 65535 },
            default: [...DEFAULT_DATABASE_PORT_LIST],
            description: "Ports checked besides the data-store ports of the stack's own config (appRunner.dataStores).",
        },
        exemptCidrs: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "Sources left out (a VPN range). Never a /0, never a broad public range, never a set that covers the internet.",
        },
        minPublicPrefixIpv4: { type: "integer", minimum: 0, maximum: 32, default: 16, description: "A public IPv4 source may be no wider than this." },
        minPublicPrefixIpv6: { type: "integer", minimum: 0, maximum: 128, default: 48, description: "A public IPv6 source may be no wider than this." },
    },
} as const;

const settingsCache = new WeakMap<object, { stackPorts: readonly number[]; settings: ExposureSettings }>();

/** Policy config plus the stack's own data-store ports; cached per config object (the offline evaluator reuses it). */
function settingsOf(config: DatabaseIngressConfig): ExposureSettings {
    const stackPorts = stackDataStorePorts();
    const cached = settingsCache.get(config);
    if (cached?.stackPorts === stackPorts) return cached.settings;
    const minPublicPrefix = { ipv4: config.minPublicPrefixIpv4 ?? 16, ipv6: config.minPublicPrefixIpv6 ?? 48 };
    const settings = {
        ports: [...new Set([...(config.databasePorts ?? DEFAULT_DATABASE_PORT_LIST), ...stackPorts])],
        exemptions: effectiveExemptions(config.exemptCidrs ?? [], minPublicPrefix),
        minPublicPrefix,
    };
    settingsCache.set(config, { stackPorts, settings });
    return settings;
}

const FIX =
    "Source the App Runner connector's or the ECS tasks' security group instead (referencedSecurityGroupId / sourceSecurityGroupId), never a public CIDR.";

/** One message per set of rules and kind, listing every database port they expose. */
function messagesFor(subject: string, exposures: Exposure[], settings: ExposureSettings): { message: string; labels: string[] }[] {
    const byRules = new Map<string, Exposure[]>();
    for (const e of exposures) {
        const key = `${e.kind}|${e.labels.join("+")}|${e.cidrs.join(",")}`;
        byRules.set(key, [...(byRules.get(key) ?? []), e]);
    }
    return [...byRules.values()].map((group) => {
        const [first] = group;
        const ports = `database port${group.length > 1 ? "s" : ""} ${group.map((e) => describePort(e.port)).join(", ")}`;
        const cidrs = first.cidrs.length > 4 ? `${first.cidrs.slice(0, 4).join(", ")} and ${first.cidrs.length - 4} more` : first.cidrs.join(", ");
        const reach =
            first.kind === "world"
                ? `to the whole internet (${cidrs})`
                : `to broad public range${first.cidrs.length > 1 ? "s" : ""} ${cidrs} (wider than /${settings.minPublicPrefix.ipv4} for IPv4, /${settings.minPublicPrefix.ipv6} for IPv6; private ranges are allowed)`;
        const who = [subject, first.labels.filter((label) => label !== "rule").join(" + ")].filter(Boolean).join(" ");
        return { message: `${who} opens ${ports} ${reach}. ${FIX}`, labels: first.labels };
    });
}

const INGRESS_TYPES: readonly string[] = [TYPES.securityGroup, TYPES.defaultSecurityGroup, TYPES.securityGroupRule, TYPES.ingressRule];

export const noWorldOpenDatabaseIngress: ResourceValidationPolicy = {
    name: "no-world-open-database-ingress",
    description: "No security-group ingress may open a database port to 0.0.0.0/0, ::/0, any set of CIDRs that covers either space, or a broad public range.",
    enforcementLevel: "mandatory",
    configSchema,
    validateResource: forTypes(INGRESS_TYPES, (props, args, report) => {
        const settings = settingsOf(args.getConfig<DatabaseIngressConfig>());
        const rules = ingressRulesOf(args.type, props) ?? [];
        const subject = INGRESS_TYPES.indexOf(args.type) < 2 ? `Security group ${args.name}` : `Ingress rule ${args.name}`;
        for (const { message } of messagesFor(subject, databaseExposures(rules, settings), settings)) report(message);
    }),
};

/** A rule with its prefix lists resolved, or why it cannot be evaluated. */
interface Resolved {
    readonly rule: IngressRule;
    readonly unknown?: string;
}

function resolve(rule: IngressRule, member: Member, prefixLists: PrefixLists): Resolved {
    if (rule.protocol === UNKNOWN || rule.fromPort === UNKNOWN || rule.toPort === UNKNOWN || hasUnknown(rule.cidrs)) {
        return { rule, unknown: `${rule.label} has a source or port known only after deployment` };
    }
    if (rule.prefixListIds.length === 0) return { rule };
    const cidrs = [...rule.cidrs];
    const lists: string[] = [];
    const dependencies =
        member.resource.propertyDependencies?.[
            member.standalone ? (member.resource.type === TYPES.ingressRule ? "prefixListId" : "prefixListIds") : "ingress"
        ] ?? [];
    for (const id of rule.prefixListIds) {
        const list = prefixLists.resolve(id, dependencies);
        const name = typeof id === "string" ? id : "(id known after deployment)";
        if (!list) return { rule, unknown: `${rule.label} admits prefix list ${name}, which is not declared in this stack` };
        if (!list.cidrs) return { rule, unknown: `${rule.label} admits prefix list ${name}, whose entries are known only after deployment` };
        cidrs.push(...list.cidrs);
        lists.push(name);
    }
    return { rule: lists.length === 0 ? rule : { ...rule, cidrs, label: `${rule.label} (prefix list ${lists.join(", ")})` } };
}

/** What the resource policy already reported for one member: its own CIDRs, without prefix lists. */
function reportedAlone(member: Member, standaloneCidrs: ReadonlySet<string>, settings: ExposureSettings): Exposure[] {
    const rules = member.rules
        .filter((r) => !hasUnknown(r.cidrs) && ![r.protocol, r.fromPort, r.toPort].includes(UNKNOWN))
        // A group's `ingress` output also lists its standalone rules once AWS has read them; those are not its inputs.
        .map((r) => (member.standalone ? r : { ...r, cidrs: r.cidrs.filter((c) => !standaloneCidrs.has(String(c))) }));
    return databaseExposures(rules, settings);
}

function groupName(key: string, members: Member[]): string {
    if (key.startsWith("id:")) return key.slice(3);
    return (members.find((m) => !m.standalone) ?? members[0]).resource.name;
}

/**
 * What only the whole stack shows: standalone and inline rules of one group that split the internet
 * between them, and prefix lists declared in the stack. Reports only what no single resource's
 * own rules already show (the resource policy reports those).
 */
export const noWorldOpenDatabaseIngressAcrossRules: StackValidationPolicy = {
    name: "no-world-open-database-ingress-across-rules",
    description:
        "The ingress rules of one security group (inline and standalone, with prefix lists resolved) must not together open a database port to the whole internet or a broad public range.",
    enforcementLevel: "mandatory",
    configSchema,
    validateStack: (args, report) => {
        const settings = settingsOf(args.getConfig<DatabaseIngressConfig>());
        const prefixLists = new PrefixLists(args.resources);
        const unevaluated: string[] = [];
        for (const [key, members] of securityGroupMembers(args.resources)) {
            const needsStack = members.length > 1 || members.some((m) => m.rules.some((r) => r.prefixListIds.length > 0));
            if (!needsStack) continue;
            const resolved = members.flatMap((member) => member.rules.map((rule) => ({ member, ...resolve(rule, member, prefixLists) })));
            for (const r of resolved.filter((x) => x.unknown)) {
                const span = portSpan(r.rule.protocol, r.rule.fromPort, r.rule.toPort);
                if (databasePortsIn(span, settings.ports).length > 0) unevaluated.push(r.unknown!);
            }
            const exposures = databaseExposures(
                resolved.filter((r) => !r.unknown).map((r) => r.rule),
                settings,
            );
            if (exposures.length === 0) continue;
            const standaloneCidrs = new Set(members.filter((m) => m.standalone).flatMap((m) => m.rules.flatMap((r) => r.cidrs.map(String))));
            const alone = members.flatMap((m) => reportedAlone(m, standaloneCidrs, settings));
            const fresh = exposures.filter(
                (e) => !alone.some((a) => a.kind === e.kind && a.port === e.port && (e.kind === "world" || a.cidrs.join() === e.cidrs.join())),
            );
            for (const { message, labels } of messagesFor(`Security group ${groupName(key, members)}: rules`, fresh, settings)) {
                report(message, resolved.find((r) => r.rule.label === labels[0])?.member.resource.urn);
            }
        }
        if (unevaluated.length > 0) notEvaluated(`not evaluated: ${unevaluated.join("; ")}`);
    },
};

import { StackConfig } from "../../config/schema";

/** One resource this stack adopts, as Terraform would identify it. */
export interface Adopted {
    readonly what: string;
    readonly tfTypes: readonly string[];
    /** Whether a Terraform instance's attributes are this resource. */
    readonly matches: (attributes: Record<string, unknown>) => boolean;
}

export class TerraformStateError extends Error {}

export interface StateResource {
    module?: string;
    mode?: string;
    type?: string;
    name?: string;
    instances?: { index_key?: string | number; attributes?: Record<string, unknown> }[];
}

const text = (v: unknown) => (typeof v === "string" ? v : "");
/** ECS clusters are referenced by ARN or name; compare names. */
const clusterName = (v: unknown) => text(v).split("/").pop();

/** The resources the stack config adopts (imports), with the Terraform types that could manage each. */
export function adoptedResources(config: StackConfig): Adopted[] {
    const out: Adopted[] = [];
    const ar = config.appRunner?.enabled ? config.appRunner : undefined;
    if (ar) {
        const a = ar.adopt;
        if (a.serviceArn)
            out.push({
                what: `App Runner service ${a.serviceArn}`,
                tfTypes: ["aws_apprunner_service"],
                matches: (x) => x.arn === a.serviceArn || x.id === a.serviceArn,
            });
        if (a.connectorArn)
            out.push({
                what: `VPC connector ${a.connectorArn}`,
                tfTypes: ["aws_apprunner_vpc_connector"],
                matches: (x) => x.arn === a.connectorArn || x.id === a.connectorArn,
            });
        for (const [label, id] of [
            ["connector security group", a.connectorSecurityGroupId],
            ["PostgreSQL security group", a.postgresSecurityGroupId],
        ] as const) {
            if (id) out.push({ what: `${label} ${id}`, tfTypes: ["aws_security_group"], matches: (x) => x.id === id });
        }
        const byRuleId = (ruleId: string) => (x: Record<string, unknown>) => x.id === ruleId || x.security_group_rule_id === ruleId;
        for (const [source, ruleId] of Object.entries(a.postgresIngressRuleIds ?? {})) {
            if (ruleId.startsWith("sgr-"))
                out.push({ what: `PostgreSQL rule ${ruleId} (from ${source})`, tfTypes: ["aws_vpc_security_group_ingress_rule"], matches: byRuleId(ruleId) });
        }
        if (a.postgresWorldOpenRuleId?.startsWith("sgr-")) {
            const ruleId = a.postgresWorldOpenRuleId;
            out.push({ what: `world-open PostgreSQL rule ${ruleId}`, tfTypes: ["aws_vpc_security_group_ingress_rule"], matches: byRuleId(ruleId) });
        }
        if (a.connectorEgressRuleId?.startsWith("sgr-")) {
            // An egress rule: Terraform manages it as aws_vpc_security_group_egress_rule, never as an ingress one.
            const ruleId = a.connectorEgressRuleId;
            out.push({ what: `connector egress rule ${ruleId}`, tfTypes: ["aws_vpc_security_group_egress_rule"], matches: byRuleId(ruleId) });
        }
        if (a.connectorSecurityGroupId && a.connectorEgressRuleId?.startsWith("sgr-")) {
            const group = a.connectorSecurityGroupId;
            out.push({
                what: `the allow-all egress rule on ${group}`,
                tfTypes: ["aws_security_group_rule"],
                matches: (x) =>
                    x.security_group_id === group &&
                    x.type === "egress" &&
                    ["-1", "all"].includes(String(x.protocol)) &&
                    Array.isArray(x.cidr_blocks) &&
                    x.cidr_blocks.includes("0.0.0.0/0"),
            });
        }
        if (a.postgresSecurityGroupId) {
            // Terraform's older rule type has no sgr- id; any of its rules on the adopted group is managed twice.
            const group = a.postgresSecurityGroupId;
            out.push({
                what: `a rule on ${group}`,
                tfTypes: ["aws_security_group_rule"],
                matches: (x) => x.security_group_id === group && x.type === "ingress",
            });
        }
        if (ar.dataStores.redisReplicationGroupId) {
            const id = ar.dataStores.redisReplicationGroupId;
            out.push({
                what: `ElastiCache ${id}`,
                tfTypes: ["aws_elasticache_replication_group"],
                matches: (x) => x.id === id || x.replication_group_id === id,
            });
        }
    }
    const ecs = config.ecs?.enabled ? config.ecs : undefined;
    if (ecs) {
        const services = [
            [ecs.adopt.apiService, ecs.name],
            [ecs.adopt.workerService, `${ecs.name}-worker`],
        ] as const;
        for (const [adopted, name] of services) {
            if (adopted)
                out.push({
                    what: `ECS service ${ecs.clusterName}/${name}`,
                    tfTypes: ["aws_ecs_service"],
                    matches: (x) => x.name === name && clusterName(x.cluster) === ecs.clusterName,
                });
        }
        const logGroups = [
            [ecs.adopt.apiLogGroup, `/ecs/${ecs.name}-api`],
            [ecs.adopt.workerLogGroup, `/ecs/${ecs.name}-worker`],
        ] as const;
        for (const [adopted, name] of logGroups) {
            if (adopted) out.push({ what: `log group ${name}`, tfTypes: ["aws_cloudwatch_log_group"], matches: (x) => x.name === name || x.id === name });
        }
        // Not adopted, but the program registers new revisions of these families.
        for (const family of [ecs.name, `${ecs.name}-worker`]) {
            out.push({
                what: `task definition family ${family} (the program registers its new revisions)`,
                tfTypes: ["aws_ecs_task_definition"],
                matches: (x) => x.family === family,
            });
        }
    }
    return out;
}

/** Terraform's address of one instance: `module.ecs.aws_ecs_service.api["x"]`. */
export function addressOf(resource: StateResource, indexKey: string | number | undefined): string {
    const base = `${resource.module ? `${resource.module}.` : ""}${resource.type}.${resource.name}`;
    if (indexKey === undefined) return base;
    return typeof indexKey === "number" ? `${base}[${indexKey}]` : `${base}[${JSON.stringify(indexKey)}]`;
}

/**
 * Quotes an address for any POSIX shell, always: `[0]` is a glob to zsh (the macOS default),
 * which refuses the command when nothing matches, and `["key"]` loses its quotes in every shell.
 */
export function shellQuote(address: string): string {
    return `'${address.replace(/'/g, `'\\''`)}'`;
}

export interface Overlap {
    readonly what: string;
    readonly address: string;
    readonly command: string;
}

/** The managed resources of a Terraform state (format 4); anything else is refused with the reason. */
export function stateResources(state: unknown): StateResource[] {
    const doc = state as { version?: unknown; resources?: unknown };
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new TerraformStateError("is not a Terraform state (expected a JSON object)");
    if (doc.version !== 4)
        throw new TerraformStateError(`has state format version ${JSON.stringify(doc.version ?? null)}; only version 4 (Terraform 0.12 and later) is read`);
    if (!Array.isArray(doc.resources)) throw new TerraformStateError("has no resources list");
    return (doc.resources as StateResource[]).filter((r) => r?.mode === "managed" && typeof r.type === "string" && typeof r.name === "string");
}

/** What the state manages that this stack adopts, each with the command that hands it over. */
export function terraformOverlaps(resources: readonly StateResource[], config: StackConfig): Overlap[] {
    const adopted = adoptedResources(config);
    const overlaps: Overlap[] = [];
    for (const resource of resources) {
        for (const instance of resource.instances ?? []) {
            const attributes = instance?.attributes ?? {};
            const match = adopted.find((a) => a.tfTypes.includes(resource.type!) && a.matches(attributes));
            if (!match) continue;
            const address = addressOf(resource, instance.index_key);
            overlaps.push({ what: match.what, address, command: `terraform state rm ${shellQuote(address)}` });
        }
    }
    return overlaps;
}

import { AccountData, resourcesOfType, StoredResource } from "../account";
import { AwsError } from "../awsError";
import { arn, asList, Behaviour, CallContext, Created, inventHex, requireExisting } from "../behaviour";
import { T } from "../tokens";

type Direction = "ingress" | "egress";

/** One permission as EC2 stores it: a security-group rule (`sgr-`), whichever way it was declared. */
interface Rule {
    securityGroupId: string;
    ipProtocol: string;
    fromPort?: number;
    toPort?: number;
    cidrIpv4?: string;
    cidrIpv6?: string;
    referencedSecurityGroupId?: string;
    prefixListId?: string;
    description?: string;
}

const RULE_TYPE: Record<Direction, string> = { ingress: T.ingressRule, egress: T.egressRule };
const PROTOCOL_NUMBERS: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", all: "-1" };

function protocolOf(value: unknown): string {
    const text = String(value ?? "-1").toLowerCase();
    return PROTOCOL_NUMBERS[text] ?? text;
}

function peerOf(rule: Rule): string {
    return rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.referencedSecurityGroupId ?? rule.prefixListId ?? "none";
}

/** EC2's identity of a permission: the same group, direction, protocol, ports and peer is a duplicate. */
function ruleKey(direction: Direction, rule: Rule): string {
    const protocol = protocolOf(rule.ipProtocol);
    const ports = protocol === "-1" ? "all" : `${rule.fromPort}-${rule.toPort}`;
    return [rule.securityGroupId, direction, protocol, ports, peerOf(rule)].join("|");
}

function rulesOfGroup(data: AccountData, groupId: string, direction: Direction): StoredResource[] {
    return resourcesOfType(data, RULE_TYPE[direction]).filter((r) => r.inputs.securityGroupId === groupId);
}

/** Adds one rule, refusing what AuthorizeSecurityGroupIngress/Egress refuses. */
function authorize(ctx: CallContext, direction: Direction, rule: Rule, exceptId?: string): Created {
    const operation = direction === "ingress" ? "AuthorizeSecurityGroupIngress" : "AuthorizeSecurityGroupEgress";
    requireExisting(ctx, T.securityGroup, rule.securityGroupId, { service: "EC2", operation, code: "InvalidGroup.NotFound", what: "security group" });
    if (rule.referencedSecurityGroupId) {
        requireExisting(ctx, T.securityGroup, rule.referencedSecurityGroupId, {
            service: "EC2",
            operation,
            code: "InvalidGroup.NotFound",
            what: "security group",
        });
    }
    const key = ruleKey(direction, rule);
    if (rulesOfGroup(ctx.data, rule.securityGroupId, direction).some((r) => r.id !== exceptId && ruleKey(direction, r.inputs as unknown as Rule) === key)) {
        const protocol = protocolOf(rule.ipProtocol).toUpperCase();
        throw new AwsError(
            "EC2",
            operation,
            "InvalidPermission.Duplicate",
            `the specified rule "peer: ${peerOf(rule)}, ${protocol}, from port: ${rule.fromPort}, to port: ${rule.toPort}, ALLOW" already exists`,
        );
    }
    const id = `sgr-${inventHex(ctx.data, 17)}`;
    return { id, computed: { arn: arn(ctx, "ec2", `security-group-rule/${id}`), securityGroupRuleId: id } };
}

/** The rules an inline `ingress`/`egress` block stands for: one per peer, as EC2 stores them. */
function inlineRules(groupId: string, blocks: unknown): Rule[] {
    return asList(blocks).flatMap((block: Record<string, any>) => {
        const base = {
            securityGroupId: groupId,
            ipProtocol: protocolOf(block.protocol),
            fromPort: block.fromPort,
            toPort: block.toPort,
            description: block.description,
        };
        return [
            ...asList(block.cidrBlocks).map((cidrIpv4: string) => ({ ...base, cidrIpv4 })),
            ...asList(block.ipv6CidrBlocks).map((cidrIpv6: string) => ({ ...base, cidrIpv6 })),
            ...asList(block.securityGroups).map((referencedSecurityGroupId: string) => ({ ...base, referencedSecurityGroupId })),
            ...asList(block.prefixListIds).map((prefixListId: string) => ({ ...base, prefixListId })),
            ...(block.self ? [{ ...base, referencedSecurityGroupId: groupId }] : []),
        ];
    });
}

function storeRule(ctx: CallContext, direction: Direction, rule: Rule): void {
    const { id, computed } = authorize(ctx, direction, rule);
    ctx.data.resources.push({ type: RULE_TYPE[direction], id, region: ctx.region, inputs: { ...rule }, outputs: { ...rule, ...computed, id } });
}

/** Replaces a group's rules of one direction with an inline list, as the provider does on update. */
function replaceInlineRules(ctx: CallContext, groupId: string, direction: Direction, blocks: unknown): void {
    const wanted = inlineRules(groupId, blocks);
    const wantedKeys = new Set(wanted.map((r) => ruleKey(direction, r)));
    const existing = rulesOfGroup(ctx.data, groupId, direction);
    const existingKeys = new Set(existing.map((r) => ruleKey(direction, r.inputs as unknown as Rule)));
    ctx.data.resources = ctx.data.resources.filter((r) => !existing.includes(r) || wantedKeys.has(ruleKey(direction, r.inputs as unknown as Rule)));
    for (const rule of wanted) if (!existingKeys.has(ruleKey(direction, rule))) storeRule(ctx, direction, rule);
}

/** Everything that can still point at a group: what DeleteSecurityGroup checks before it deletes. */
function dependentsOf(data: AccountData, groupId: string): string[] {
    const referencingRules = [...resourcesOfType(data, T.ingressRule), ...resourcesOfType(data, T.egressRule)]
        .filter((r) => r.inputs.referencedSecurityGroupId === groupId && r.inputs.securityGroupId !== groupId)
        .map((r) => `rule ${r.id} of ${String(r.inputs.securityGroupId)}`);
    const users = [
        ...resourcesOfType(data, T.vpcConnector).filter((c) => asList(c.inputs.securityGroups).includes(groupId)),
        ...resourcesOfType(data, T.replicationGroup).filter((g) => asList(g.inputs.securityGroupIds).includes(groupId)),
        ...resourcesOfType(data, T.ecsService).filter((s) => asList((s.inputs.networkConfiguration as any)?.securityGroups).includes(groupId)),
    ].map((r) => r.id);
    return [...referencingRules, ...users];
}

function derivedRules(ctx: CallContext, groupId: string, direction: Direction): unknown[] {
    return rulesOfGroup(ctx.data, groupId, direction).map((r) => {
        const rule = r.inputs as unknown as Rule;
        return {
            protocol: protocolOf(rule.ipProtocol),
            fromPort: rule.fromPort ?? 0,
            toPort: rule.toPort ?? 0,
            cidrBlocks: rule.cidrIpv4 ? [rule.cidrIpv4] : [],
            ipv6CidrBlocks: rule.cidrIpv6 ? [rule.cidrIpv6] : [],
            securityGroups: rule.referencedSecurityGroupId ? [rule.referencedSecurityGroupId] : [],
            prefixListIds: rule.prefixListId ? [rule.prefixListId] : [],
            description: rule.description ?? "",
            self: false,
        };
    });
}

export const securityGroup: Behaviour = {
    autoName: "name",
    create(ctx, inputs) {
        requireExisting(ctx, T.vpc, inputs.vpcId, { service: "EC2", operation: "CreateSecurityGroup", code: "InvalidVpcID.NotFound", what: "vpc ID" });
        const taken = resourcesOfType(ctx.data, T.securityGroup).some((g) => g.inputs.vpcId === inputs.vpcId && g.inputs.name === inputs.name);
        if (taken)
            throw new AwsError(
                "EC2",
                "CreateSecurityGroup",
                "InvalidGroup.Duplicate",
                `The security group '${inputs.name}' already exists for VPC '${inputs.vpcId}'`,
            );
        const id = `sg-${inventHex(ctx.data, 17)}`;
        return {
            id,
            computed: { arn: arn(ctx, "ec2", `security-group/${id}`), ownerId: ctx.accountId, description: inputs.description ?? "Managed by Pulumi" },
        };
    },
    // Inline rules go in once the group exists; the provider removes AWS's default allow-all egress rule.
    afterCreate(ctx, resource) {
        for (const direction of ["ingress", "egress"] as const)
            for (const rule of inlineRules(resource.id, resource.inputs[direction])) storeRule(ctx, direction, rule);
    },
    update(ctx, resource, inputs) {
        for (const direction of ["ingress", "egress"] as const) {
            if (direction in inputs) replaceInlineRules(ctx, resource.id, direction, inputs[direction]);
        }
        return {};
    },
    delete(ctx, resource) {
        if (resource.inputs.name === "default")
            throw new AwsError(
                "EC2",
                "DeleteSecurityGroup",
                "CannotDelete",
                `the specified group: "${resource.id}" name: "default" cannot be deleted by a user`,
            );
        const dependents = dependentsOf(ctx.data, resource.id);
        if (dependents.length > 0) {
            throw new AwsError(
                "EC2",
                "DeleteSecurityGroup",
                "DependencyViolation",
                `resource ${resource.id} has a dependent object (${dependents.join(", ")})`,
            );
        }
        ctx.data.resources = ctx.data.resources.filter(
            (r) => !([T.ingressRule, T.egressRule] as string[]).includes(r.type) || r.inputs.securityGroupId !== resource.id,
        );
    },
    derived(ctx, resource) {
        return { ingress: derivedRules(ctx, resource.id, "ingress"), egress: derivedRules(ctx, resource.id, "egress") };
    },
    derivedInputs: ["ingress", "egress"],
};

function ruleBehaviour(direction: Direction): Behaviour {
    return {
        create: (ctx, inputs) => authorize(ctx, direction, inputs as unknown as Rule),
        update: (ctx, resource, inputs) => {
            authorize(ctx, direction, inputs as unknown as Rule, resource.id);
            return {};
        },
    };
}

export const ingressRule = ruleBehaviour("ingress");
export const egressRule = ruleBehaviour("egress");

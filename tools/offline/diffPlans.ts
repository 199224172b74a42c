import { isDeepStrictEqual } from "util";
import { PlanResource } from "./planDocument";

/**
 * Properties whose change makes AWS replace the resource (ForceNew in the provider schema),
 * for the types this program declares. Task definitions are immutable: any change is a new revision.
 */
const REPLACE_ON: Readonly<Record<string, readonly string[] | "*">> = {
    "aws:ec2/natGateway:NatGateway": ["subnetId", "allocationId", "connectivityType"],
    "aws:ec2/routeTable:RouteTable": ["vpcId"],
    "aws:ec2/route:Route": ["routeTableId", "destinationCidrBlock"],
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ["subnetId"],
    "aws:ec2/securityGroup:SecurityGroup": ["name", "description", "vpcId"],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["securityGroupId"],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["securityGroupId"],
    "aws:apprunner/vpcConnector:VpcConnector": ["vpcConnectorName", "subnets", "securityGroups"],
    "aws:apprunner/service:Service": ["serviceName"],
    "aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion": "*",
    "aws:ecs/taskDefinition:TaskDefinition": "*",
    "aws:ecs/service:Service": ["name", "cluster", "launchType"],
    "aws:ecs/cluster:Cluster": ["name"],
    "aws:cloudwatch/logGroup:LogGroup": ["name"],
    "aws:elasticache/replicationGroup:ReplicationGroup": ["replicationGroupId"],
    "aws:iam/role:Role": ["name"],
};

export type ChangeOp = "+" | "~" | "-" | "+-";

export interface Change {
    readonly op: ChangeOp;
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Top-level input keys that differ (updates and replacements). */
    readonly keys: string[];
    /** A delete of a resource with `retainOnDelete`: it only leaves the stack's state; AWS keeps it. */
    readonly retained?: boolean;
}

function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
    return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !isDeepStrictEqual(before[k], after[k])).sort();
}

function forcesReplacement(type: string, keys: string[]): boolean {
    const rule = REPLACE_ON[type];
    return rule === "*" ? keys.length > 0 : (rule ?? []).some((k) => keys.includes(k));
}

/** Diffs two plans the way a preview does: create, update (with keys), delete, replace. */
export function diffPlans(before: readonly PlanResource[], after: readonly PlanResource[]): Change[] {
    const old = new Map(before.map((r) => [r.urn, r]));
    const now = new Map(after.map((r) => [r.urn, r]));
    const changes: Change[] = [];
    for (const r of after) {
        const previous = old.get(r.urn);
        if (!previous) {
            changes.push({ op: "+", urn: r.urn, type: r.type, name: r.name, keys: [] });
            continue;
        }
        // As in the engine, properties under ignoreChanges keep their previous value.
        const keys = changedKeys(previous.inputs, r.inputs).filter((k) => !(r.ignoreChanges ?? []).includes(k));
        if (keys.length > 0) changes.push({ op: forcesReplacement(r.type, keys) ? "+-" : "~", urn: r.urn, type: r.type, name: r.name, keys });
    }
    for (const r of before) {
        if (!now.has(r.urn)) changes.push({ op: "-", urn: r.urn, type: r.type, name: r.name, keys: [], ...(r.retainOnDelete ? { retained: true } : {}) });
    }
    return changes;
}

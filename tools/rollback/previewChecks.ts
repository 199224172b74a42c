import { PreviewStep } from "./stackOperations";

/** Steps that end with the resource (or its current incarnation) deleted. */
const DESTRUCTIVE_OPS = new Set(["delete", "replace", "create-replacement", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace"]);

/**
 * Types whose deletion loses data or an identity others depend on: a rollback must never do that
 * behind an operator's back. The Elastic IP is here because it is the egress address partners
 * allow-list; the security groups because RDS and ElastiCache reference them by id.
 */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/cluster:Cluster",
    "aws:dynamodb/table:Table",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:efs/fileSystem:FileSystem",
    "aws:ebs/volume:Volume",
    "aws:ecr/repository:Repository",
    "aws:secretsmanager/secret:Secret",
    "aws:kms/key:Key",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:ec2/eip:Eip",
    "aws:ec2/securityGroup:SecurityGroup",
]);

/** Resources a preview would delete or replace that are protected or hold state, one line each. */
export function destructiveSteps(steps: readonly PreviewStep[]): string[] {
    const found = new Set<string>();
    for (const step of steps) {
        if (!DESTRUCTIVE_OPS.has(step.op)) continue;
        if (step.protect) found.add(`${step.urn} (protected, ${step.op})`);
        else if (STATEFUL_TYPES.has(step.type)) found.add(`${step.urn} (stateful, ${step.op})`);
    }
    return [...found];
}

/** True when the preview changes nothing: every step is `same` (or a read). An empty summary (the Automation API could not read one) is not "nothing". */
export function changesNothing(summary: Record<string, number>): boolean {
    return Object.keys(summary).length > 0 && Object.entries(summary).every(([op, count]) => op === "same" || op === "read" || count === 0);
}

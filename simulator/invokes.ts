import { resourcesOfType } from "./account";
import { CallContext } from "./behaviour";
import { findSecret } from "./secrets";
import { T } from "./tokens";

type Answer = (ctx: CallContext, args: Record<string, any>) => Record<string, unknown>;

function filterValues(args: Record<string, any>, name: string): string[] {
    return ((args.filters ?? []) as { name: string; values: string[] }[]).filter((f) => f.name === name).flatMap((f) => f.values);
}

/** The data sources (`aws.*.get…`) the simulated account answers. */
const ANSWERS: Readonly<Record<string, Answer>> = {
    "aws:index/getCallerIdentity:getCallerIdentity": (ctx) => ({
        id: ctx.accountId,
        accountId: ctx.accountId,
        arn: `arn:aws:sts::${ctx.accountId}:assumed-role/simulated-account/pulumi`,
        userId: "AROASIMULATEDACCOUNT:pulumi",
    }),
    "aws:index/getRegion:getRegion": (ctx) => ({ id: ctx.region, name: ctx.region, region: ctx.region, endpoint: `ec2.${ctx.region}.amazonaws.com` }),
    "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
    "aws:ecs/getCluster:getCluster": (ctx, args) => {
        const cluster = resourcesOfType(ctx.data, T.ecsCluster).find((c) => c.inputs.name === args.clusterName && c.region === ctx.region);
        if (!cluster) throw new Error(`reading ECS Cluster (${String(args.clusterName)}): empty result`);
        return { id: cluster.outputs.arn, arn: cluster.outputs.arn, clusterName: cluster.inputs.name, status: "ACTIVE" };
    },
    "aws:secretsmanager/getSecret:getSecret": (ctx, args) => {
        const reference = String(args.arn ?? args.name);
        const found = findSecret(ctx.data, reference);
        if (!found)
            throw new Error(`reading Secrets Manager Secret (${reference}): ResourceNotFoundException: Secrets Manager can't find the specified secret.`);
        return { id: found.id, arn: found.id, name: found.inputs.name };
    },
    // DescribeSecurityGroupRules: every filter given must match; no match is an empty list, not an error.
    "aws:vpc/getSecurityGroupRules:getSecurityGroupRules": (ctx, args) => {
        const groups = filterValues(args, "group-id");
        const ruleIds = filterValues(args, "security-group-rule-id");
        const rules = [...resourcesOfType(ctx.data, T.ingressRule), ...resourcesOfType(ctx.data, T.egressRule)]
            .filter((r) => groups.length === 0 || groups.includes(String(r.inputs.securityGroupId)))
            .filter((r) => ruleIds.length === 0 || ruleIds.includes(r.id));
        return { id: ctx.region, ids: rules.map((r) => r.id) };
    },
};

export function answerInvoke(ctx: CallContext, token: string, args: Record<string, any>): Record<string, unknown> {
    const answer = ANSWERS[token];
    if (!answer) throw new Error(`the simulated AWS account does not answer ${token} (see docs/contributing.md, "What the simulation does not model")`);
    return answer(ctx, args);
}

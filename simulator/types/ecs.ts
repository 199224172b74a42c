import { AccountData, resourcesOfType, StoredResource } from "../account";
import { AwsError, DeploymentFailed } from "../awsError";
import { arn, asList, Behaviour, CallContext } from "../behaviour";
import { canPullAndLog, roleAllows, roleExists } from "../iam";
import { findSecret, secretValueProblem } from "../secrets";
import { T } from "../tokens";
import { parseJsonInput } from "../values";

interface ContainerDefinition {
    readonly name?: string;
    readonly secrets?: { name: string; valueFrom: string }[];
    readonly logConfiguration?: { logDriver?: string; options?: Record<string, string> };
}

function clusterOf(ctx: CallContext, reference: unknown): StoredResource {
    const text = String(reference);
    const cluster = resourcesOfType(ctx.data, T.ecsCluster).find((c) => c.id === text || c.inputs.name === text || c.outputs.arn === text);
    if (!cluster) throw new AwsError("ECS", "CreateService", "ClusterNotFoundException", "Cluster not found.");
    return cluster;
}

function taskDefinitionOf(ctx: CallContext, reference: unknown): StoredResource {
    const text = String(reference);
    const found = resourcesOfType(ctx.data, T.taskDefinition).find((t) => t.id === text || `${t.inputs.family}:${t.outputs.revision}` === text);
    if (!found) throw new AwsError("ECS", "CreateService", "ClientException", `Unable to describe task definition ${text}.`);
    return found;
}

/** Why the service's tasks would never start; ECS's circuit breaker then rolls the deployment back. */
function taskStartProblem(data: AccountData, taskDefinition: StoredResource, region: string): string | undefined {
    const executionRole = taskDefinition.inputs.executionRoleArn as string | undefined;
    const containers = (parseJsonInput(taskDefinition.inputs.containerDefinitions) ?? []) as ContainerDefinition[];
    if (!executionRole || !roleExists(data, executionRole))
        return "ResourceInitializationError: the task definition has no execution role to pull the image with";
    if (!canPullAndLog(data, executionRole)) {
        return `ResourceInitializationError: unable to pull registry auth: ${executionRole} is not authorized to perform: ecr:GetAuthorizationToken`;
    }
    for (const container of containers) {
        const group = container.logConfiguration?.logDriver === "awslogs" ? container.logConfiguration.options?.["awslogs-group"] : undefined;
        if (group && !resourcesOfType(data, T.logGroup).some((g) => g.id === group && g.region === region)) {
            return `ResourceInitializationError: failed to validate logger args: The specified log group does not exist (${group})`;
        }
        for (const secret of container.secrets ?? []) {
            // ECS reads anything but a Secrets Manager ARN as an SSM parameter (a bare secret name included).
            const isParameter = !secret.valueFrom.startsWith("arn:") || secret.valueFrom.includes(":ssm:");
            const stored = isParameter ? undefined : findSecret(data, secret.valueFrom);
            const parameterArn = secret.valueFrom.startsWith("arn:")
                ? secret.valueFrom
                : `arn:aws:ssm:${region}:${data.accounts[region]}:parameter/${secret.valueFrom.replace(/^\//, "")}`;
            const resource = isParameter ? parameterArn : stored?.id;
            if (!resource) return `ResourceInitializationError: unable to pull secrets: secret ${secret.name} (${secret.valueFrom}) does not exist`;
            const noValue = stored && secretValueProblem(data, stored);
            if (noValue) return `ResourceInitializationError: unable to pull secrets: ${noValue}`;
            const action = isParameter ? "ssm:GetParameters" : "secretsmanager:GetSecretValue";
            if (!roleAllows(data, executionRole, action, resource)) {
                return `ResourceInitializationError: unable to pull secrets: ${executionRole} is not authorized to perform: ${action} on resource: ${resource}`;
            }
        }
    }
    return undefined;
}

function validateService(ctx: CallContext, inputs: Record<string, any>, what: string): void {
    clusterOf(ctx, inputs.cluster);
    const taskDefinition = taskDefinitionOf(ctx, inputs.taskDefinition);
    if (inputs.launchType && asList(inputs.capacityProviderStrategies).length > 0) {
        throw new AwsError(
            "ECS",
            "CreateService",
            "InvalidParameterException",
            "Specifying both a launch type and capacity provider strategy is not supported.",
        );
    }
    const problem = (inputs.desiredCount ?? 1) > 0 ? taskStartProblem(ctx.data, taskDefinition, ctx.region) : undefined;
    if (problem) throw new DeploymentFailed(what, `the deployment circuit breaker stopped it: tasks failed to start: ${problem}`);
}

export const taskDefinition: Behaviour = {
    create(ctx, inputs) {
        if (parseJsonInput(inputs.containerDefinitions) === undefined) {
            throw new AwsError("ECS", "RegisterTaskDefinition", "ClientException", "Container definitions are not valid JSON.");
        }
        const revisions = resourcesOfType(ctx.data, T.taskDefinition).filter((t) => t.inputs.family === inputs.family);
        const revision = Math.max(0, ...revisions.map((t) => Number(t.outputs.revision))) + 1;
        const id = arn(ctx, "ecs", `task-definition/${inputs.family}:${revision}`);
        return { id, computed: { arn: id, arnWithoutRevision: id.replace(/:\d+$/, ""), revision } };
    },
};

export const ecsService: Behaviour = {
    create(ctx, inputs) {
        const cluster = clusterOf(ctx, inputs.cluster);
        const clash = resourcesOfType(ctx.data, T.ecsService).find((s) => s.inputs.name === inputs.name && clusterOf(ctx, s.inputs.cluster).id === cluster.id);
        if (clash) throw new AwsError("ECS", "CreateService", "InvalidParameterException", "Creation of service was not idempotent.");
        validateService(ctx, inputs, `creating ECS Service (${inputs.name})`);
        const id = arn(ctx, "ecs", `service/${cluster.inputs.name}/${inputs.name}`);
        return { id, computed: { arn: id } };
    },
    update(ctx, resource, inputs) {
        validateService(ctx, inputs, `updating ECS Service (${resource.id})`);
        return {};
    },
    // `pulumi import` takes a service as `<cluster>/<service>`.
    findByImportId(ctx, id) {
        const [cluster, name] = id.split("/");
        return resourcesOfType(ctx.data, T.ecsService).find((s) => s.inputs.name === name && clusterOf(ctx, s.inputs.cluster).inputs.name === cluster);
    },
};

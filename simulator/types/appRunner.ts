import { AccountData, AppRunnerOperation, findResource, resourcesOfType } from "../account";
import { AwsError, DeploymentFailed, RolledBack } from "../awsError";
import { arn, asList, Behaviour, CallContext, inventHex, requireExisting } from "../behaviour";
import { roleAllows, roleExists } from "../iam";
import { findSecret, secretValueProblem } from "../secrets";
import { T } from "../tokens";

export const vpcConnector: Behaviour = {
    create(ctx, inputs) {
        const operation = "CreateVpcConnector";
        for (const subnet of asList(inputs.subnets))
            requireExisting(ctx, T.subnet, subnet, { service: "AppRunner", operation, code: "InvalidRequestException", what: "subnet" });
        for (const group of asList(inputs.securityGroups))
            requireExisting(ctx, T.securityGroup, group, { service: "AppRunner", operation, code: "InvalidRequestException", what: "security group" });
        const id = arn(ctx, "apprunner", `vpcconnector/${inputs.vpcConnectorName}/1/${inventHex(ctx.data, 32)}`);
        return { id, computed: { arn: id, status: "ACTIVE", vpcConnectorRevision: 1 } };
    },
    delete(ctx, resource) {
        const users = resourcesOfType(ctx.data, T.appRunnerService).filter((s) => egressOf(s.inputs).vpcConnectorArn === resource.id);
        if (users.length > 0)
            throw new AwsError("AppRunner", "DeleteVpcConnector", "InvalidStateException", `VPC connector is in use by ${users.map((s) => s.id).join(", ")}`);
    },
};

function egressOf(inputs: Record<string, any>): { egressType?: string; vpcConnectorArn?: string } {
    return inputs.networkConfiguration?.egressConfiguration ?? {};
}

function imageConfigurationOf(inputs: Record<string, any>): Record<string, any> {
    return inputs.sourceConfiguration?.imageRepository?.imageConfiguration ?? {};
}

/**
 * Why a deployment of this configuration would not become healthy. App Runner checks the health
 * check and starts the instances with their secrets; it never checks where the instances can
 * reach (VPC egress with no NAT deploys and runs, and only calls to the internet time out), so a
 * missing NAT path is no deployment failure here either.
 */
function deploymentProblem(data: AccountData, inputs: Record<string, any>): string | undefined {
    const egress = egressOf(inputs);
    if (egress.egressType === "VPC" && !findResource(data, T.vpcConnector, String(egress.vpcConnectorArn)))
        return `VPC connector ${String(egress.vpcConnectorArn)} does not exist`;
    const roleArn = inputs.instanceConfiguration?.instanceRoleArn as string | undefined;
    for (const [name, reference] of Object.entries((imageConfigurationOf(inputs).runtimeEnvironmentSecrets ?? {}) as Record<string, string>)) {
        const secret = findSecret(data, reference);
        if (!secret) return `secret ${name}: Secrets Manager can't find the specified secret (${reference})`;
        const noValue = secretValueProblem(data, secret);
        if (noValue) return `secret ${name}: ${noValue}`;
        if (!roleArn || !roleExists(data, roleArn)) return `secret ${name}: the service has no instance role to read it with`;
        if (!roleAllows(data, roleArn, "secretsmanager:GetSecretValue", secret.id)) {
            return `secret ${name}: AccessDeniedException: ${roleArn} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${secret.id}`;
        }
    }
    const health = inputs.healthCheckConfiguration ?? {};
    const image = String(inputs.sourceConfiguration?.imageRepository?.imageIdentifier ?? "");
    const served = data.images?.[image]?.servesPaths;
    if ((health.protocol ?? "TCP") === "HTTP" && served && !served.includes(health.path ?? "/"))
        return `health check failed: ${image} does not answer HTTP ${health.path ?? "/"} (it serves ${served.join(", ") || "no path"})`;
    return undefined;
}

function record(ctx: CallContext, serviceArn: string, type: AppRunnerOperation["type"], status: AppRunnerOperation["status"], reason?: string): string {
    const id = inventHex(ctx.data, 32);
    (ctx.data.operations ??= []).push({ serviceArn, id, type, status, ...(reason ? { reason } : {}) });
    return id;
}

function requireRoles(ctx: CallContext, inputs: Record<string, any>, operation: string): void {
    const roles = [inputs.instanceConfiguration?.instanceRoleArn, inputs.sourceConfiguration?.authenticationConfiguration?.accessRoleArn].filter(Boolean);
    for (const role of roles) {
        if (!roleExists(ctx.data, role)) throw new AwsError("AppRunner", operation, "InvalidRequestException", `Error in assuming instance role ${role}`);
    }
}

export const appRunnerService: Behaviour = {
    create(ctx, inputs) {
        requireRoles(ctx, inputs, "CreateService");
        const id = arn(ctx, "apprunner", `service/${inputs.serviceName}/${inventHex(ctx.data, 32)}`);
        const problem = deploymentProblem(ctx.data, inputs);
        // A first deployment has nothing to roll back to: the service ends CREATE_FAILED, which the provider's wait reports.
        if (problem) throw new DeploymentFailed(`creating App Runner Service (${inputs.serviceName})`, problem);
        record(ctx, id, "CREATE_SERVICE", "SUCCEEDED");
        return {
            id,
            computed: { arn: id, serviceId: id.slice(-32), serviceUrl: `${inventHex(ctx.data, 10)}.${ctx.region}.awsapprunner.com`, status: "RUNNING" },
        };
    },
    update(ctx, resource, inputs) {
        // App Runner refuses UpdateService while an operation runs (a deployment takes minutes).
        if (resource.outputs.status === "OPERATION_IN_PROGRESS")
            throw new AwsError("AppRunner", "UpdateService", "InvalidStateException", `Service cannot be updated in the current state: OPERATION_IN_PROGRESS.`);
        requireRoles(ctx, inputs, "UpdateService");
        const problem = deploymentProblem(ctx.data, inputs);
        if (problem) throw new RolledBack(record(ctx, resource.id, "UPDATE_SERVICE", "ROLLBACK_SUCCEEDED", problem), problem);
        record(ctx, resource.id, "UPDATE_SERVICE", "SUCCEEDED");
        return { status: "RUNNING" };
    },
};

/** The newest operation App Runner lists for a service, as `verify` and a rehearsal read it. */
export function latestOperation(data: AccountData, serviceArn: string): AppRunnerOperation | undefined {
    return (data.operations ?? []).filter((o) => o.serviceArn === serviceArn).at(-1);
}

import { AccountData, findResource, resourcesOfType } from "../account";
import { AwsError, DeploymentFailed } from "../awsError";
import { arn, asList, Behaviour, CallContext, inventHex, requireExisting } from "../behaviour";
import { roleAllows, roleExists } from "../iam";
import { natEgressProblem } from "../network";
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
 * Why a deployment of this configuration would not become healthy, in the seeds' terms: the service's
 * start-up reaches the internet (Twilio) through the VPC, and reads its secrets with its instance role.
 */
function deploymentProblem(data: AccountData, inputs: Record<string, any>): string | undefined {
    const egress = egressOf(inputs);
    if (egress.egressType === "VPC") {
        const connector = findResource(data, T.vpcConnector, String(egress.vpcConnectorArn));
        if (!connector) return `VPC connector ${String(egress.vpcConnectorArn)} does not exist`;
        for (const subnet of asList(connector.inputs.subnets)) {
            const problem = natEgressProblem(data, subnet);
            if (problem) return `instances could not reach the internet through VPC egress: ${problem}`;
        }
    }
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
    return undefined;
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
        if (problem) throw new DeploymentFailed(`creating App Runner Service (${inputs.serviceName})`, problem);
        return {
            id,
            computed: { arn: id, serviceId: id.slice(-32), serviceUrl: `${inventHex(ctx.data, 10)}.${ctx.region}.awsapprunner.com`, status: "RUNNING" },
        };
    },
    update(ctx, resource, inputs) {
        requireRoles(ctx, inputs, "UpdateService");
        const problem = deploymentProblem(ctx.data, inputs);
        // App Runner rolls a failed deployment back: the service keeps running its previous configuration.
        if (problem)
            throw new DeploymentFailed(`updating App Runner Service (${resource.id})`, `operation ${inventHex(ctx.data, 32)} ROLLBACK_SUCCEEDED: ${problem}`);
        return { status: "RUNNING" };
    },
};

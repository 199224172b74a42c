import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { healthCheckProblems, instanceSizeForApi, instanceSizeProblem } from "../policies/lib/appRunnerLimits";
import { formatProblem } from "../policies/lib/problems";
import { parseImage, unpinnedImageReason } from "../policies/lib/images";
import { keptResourceOptions, usedByKeptOptions } from "./adopt";
import { APP_RUNNER_SERVICE } from "./liveProperties";
import { secretReadStatements } from "./secretAccess";
import { fullSecretArn, resolveSecretReference, secretReferenceProblem, SecretReference } from "./secretReference";

export interface HealthCheck {
    /** @default "HTTP" */
    readonly protocol?: "HTTP" | "TCP";
    /** HTTP only. @default "/" */
    readonly path?: string;
    /** Seconds between checks, 1–20. @default 5 */
    readonly interval?: number;
    /** Seconds before a check fails, 1–20. @default 2 */
    readonly timeout?: number;
    /** Consecutive passes before healthy, 1–20. @default 1 */
    readonly healthyThreshold?: number;
    /** Consecutive failures before unhealthy, 1–20. @default 5 */
    readonly unhealthyThreshold?: number;
}

export interface AppRunnerServiceArgs {
    readonly serviceName: string;
    /** Full ECR image reference with a pinned tag or digest; `latest` is refused. */
    readonly image: string;
    /** @default 8000 */
    readonly port?: number;
    /** Existing role App Runner uses to pull from ECR; a scoped one is created when omitted. */
    readonly accessRoleArn?: string;
    /** e.g. "1 vCPU" or 1024. @default "1 vCPU" */
    readonly cpu?: string | number;
    /** e.g. "2 GB" or 2048. @default "2 GB" */
    readonly memory?: string | number;
    readonly healthCheck?: HealthCheck;
    /** Plain environment variables; never secrets. */
    readonly env?: Readonly<Record<string, string>>;
    /**
     * Secrets Manager secret ARNs (full or partial) or names, or SSM parameter ARNs, injected
     * through runtimeEnvironmentSecrets. Names and partial ARNs are looked up for the full ARN.
     */
    readonly secrets?: Readonly<Record<string, string>>;
    /** Account and region where secret names are resolved (the service's own). */
    readonly account: { readonly id: string; readonly region: string };
    /** Secrets this stack stores (SecretStore ARNs), injected like `secrets`; the instance role may read them. */
    readonly storedSecrets?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * A digest of the stored secrets' versions (SecretStore.revision), set as the plain variable
     * STORED_VALUES_REVISION: App Runner reads secrets only when it deploys, so a new value must redeploy.
     */
    readonly storedSecretsRevision?: pulumi.Input<string>;
    /** Resources that give the stored secrets their values: the service deploys after them. */
    readonly secretsReady?: pulumi.Resource[];
    /**
     * Connector ARN for VPC egress. Pass VpcEgress.routedConnectorArn so the service is only
     * deployed once its subnets have a way out.
     */
    readonly vpcConnectorArn: pulumi.Input<string>;
    readonly autoScaling?: { readonly minSize: number; readonly maxSize: number; readonly maxConcurrency: number };
    /** ARN of the live service to import instead of create. */
    readonly adoptServiceArn?: string;
    /**
     * The `adopt` stage: import the live service as it runs (image, variables, health check, size and
     * network all kept) and create nothing else; the roles and the new configuration come with `harden`.
     * @default false
     */
    readonly asLive?: boolean;
}

export function appRunnerServiceProblems(args: AppRunnerServiceArgs): string[] {
    const problems = healthCheckProblems(args.healthCheck ?? {}).map((p) => formatProblem("healthCheck", p));
    const size = instanceSizeProblem(args.cpu ?? "1 vCPU", args.memory ?? "2 GB");
    if (size) problems.push(formatProblem("instance", size));
    const imageReason = unpinnedImageReason(args.image);
    if (imageReason) problems.push(`\`image\` must pin a tag or digest: ${imageReason}`);
    for (const [key, ref] of Object.entries(args.secrets ?? {})) {
        const problem = secretReferenceProblem(ref);
        if (problem) problems.push(`\`secrets.${key}\` ${problem}`);
    }
    for (const key of Object.keys(args.env ?? {})) {
        if (key in (args.secrets ?? {})) problems.push(`\`env.${key}\` is also in secrets; keep it in secrets only`);
    }
    return problems;
}

/**
 * An App Runner service pulling a pinned image from ECR, with VPC egress through a connector,
 * secrets from Secrets Manager/SSM, a validated health check and an allowed instance size.
 */
export class AppRunnerService extends pulumi.ComponentResource {
    public readonly serviceArn: pulumi.Output<string>;
    public readonly serviceUrl: pulumi.Output<string>;
    /** Undefined while adopting (`asLive`): the live service keeps the role it has. */
    public readonly instanceRoleArn?: pulumi.Output<string>;

    constructor(name: string, args: AppRunnerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-remediation:apprunner:AppRunnerService", name, {}, opts);
        const problems = appRunnerServiceProblems(args);
        if (problems.length > 0) throw new Error(`AppRunnerService ${name}: ${problems.join("; ")}`);
        if (args.asLive) {
            if (!args.adoptServiceArn) throw new Error(`AppRunnerService ${name}: \`asLive\` adopts a live service and needs \`adoptServiceArn\``);
            const live = this.adoptAsLive(name, args, args.adoptServiceArn);
            this.serviceArn = live.arn;
            this.serviceUrl = live.serviceUrl;
            this.registerOutputs({ serviceArn: this.serviceArn, serviceUrl: this.serviceUrl });
            return;
        }

        const access = args.accessRoleArn ? { arn: pulumi.output(args.accessRoleArn), permissions: [] } : this.createAccessRole(name);
        const secrets = Object.entries(args.secrets ?? {}).map(([key, ref]) => ({ key, ...resolveSecretReference(ref, args.account) }));
        const instance = this.createInstanceRole(name, secrets);
        const readStored = this.allowStoredSecrets(name, instance.role, Object.values(args.storedSecrets ?? {}), args.account);

        const autoScaling = args.autoScaling
            ? new aws.apprunner.AutoScalingConfigurationVersion(
                  `${name}-autoscaling`,
                  {
                      autoScalingConfigurationName: `${args.serviceName}-as`.slice(0, 32),
                      minSize: args.autoScaling.minSize,
                      maxSize: args.autoScaling.maxSize,
                      maxConcurrency: args.autoScaling.maxConcurrency,
                  },
                  usedByKeptOptions(this),
              )
            : undefined;

        const health = args.healthCheck ?? {};
        const protocol = health.protocol ?? "HTTP";
        const service = new aws.apprunner.Service(
            `${name}-service`,
            {
                serviceName: args.serviceName,
                sourceConfiguration: {
                    autoDeploymentsEnabled: false,
                    authenticationConfiguration: { accessRoleArn: access.arn },
                    imageRepository: {
                        imageIdentifier: args.image,
                        imageRepositoryType: parseImage(args.image).repository.includes("public.ecr.aws") ? "ECR_PUBLIC" : "ECR",
                        imageConfiguration: {
                            port: String(args.port ?? 8000),
                            runtimeEnvironmentVariables: {
                                ...(args.env ?? {}),
                                ...(args.storedSecretsRevision !== undefined ? { [STORED_VALUES_REVISION]: args.storedSecretsRevision } : {}),
                            },
                            runtimeEnvironmentSecrets: {
                                ...Object.fromEntries(secrets.map((secret) => [secret.key, fullSecretArn(secret, this)])),
                                ...(args.storedSecrets ?? {}),
                            },
                        },
                    },
                },
                instanceConfiguration: { ...instanceSizeForApi(args.cpu ?? "1 vCPU", args.memory ?? "2 GB"), instanceRoleArn: instance.role.arn },
                healthCheckConfiguration: {
                    protocol,
                    path: protocol === "HTTP" ? (health.path ?? "/") : undefined,
                    interval: health.interval ?? 5,
                    timeout: health.timeout ?? 2,
                    healthyThreshold: health.healthyThreshold ?? 1,
                    unhealthyThreshold: health.unhealthyThreshold ?? 5,
                },
                networkConfiguration: {
                    egressConfiguration: { egressType: "VPC", vpcConnectorArn: args.vpcConnectorArn },
                    ingressConfiguration: { isPubliclyAccessible: true },
                },
                autoScalingConfigurationArn: autoScaling?.arn,
            },
            // The service starts with the roles it is given: wait for their permissions, not only the roles.
            {
                ...keptResourceOptions(this, {
                    importId: args.adoptServiceArn,
                    properties: APP_RUNNER_SERVICE,
                    alsoLeftAlone: args.autoScaling ? [] : ["autoScalingConfigurationArn"],
                    dependsOn: [...access.permissions, ...instance.permissions, ...(readStored ? [readStored] : []), ...(args.secretsReady ?? [])],
                }),
                hideDiffs: [LIVE_ENVIRONMENT],
            },
        );

        this.serviceArn = service.arn;
        this.serviceUrl = service.serviceUrl;
        this.instanceRoleArn = instance.role.arn;
        this.registerOutputs({ serviceArn: this.serviceArn, serviceUrl: this.serviceUrl, instanceRoleArn: this.instanceRoleArn });
    }

    /**
     * Only the name is declared; everything else the engine takes from the imported inputs (ignoreChanges),
     * so the import is followed by no update. The declared source is a required input the engine replaces.
     */
    private adoptAsLive(name: string, args: AppRunnerServiceArgs, serviceArn: string): aws.apprunner.Service {
        return new aws.apprunner.Service(
            `${name}-service`,
            {
                serviceName: args.serviceName,
                sourceConfiguration: { imageRepository: { imageIdentifier: args.image, imageRepositoryType: "ECR" } },
            },
            { ...keptResourceOptions(this, { importId: serviceArn, properties: APP_RUNNER_SERVICE, asLive: true }), hideDiffs: [LIVE_ENVIRONMENT] },
        );
    }

    private createAccessRole(name: string): { arn: pulumi.Output<string>; permissions: pulumi.Resource[] } {
        const role = new aws.iam.Role(
            `${name}-access-role`,
            { assumeRolePolicy: assumeRolePolicy("build.apprunner.amazonaws.com"), description: "App Runner pulls images from ECR" },
            usedByKeptOptions(this),
        );
        const attachment = new aws.iam.RolePolicyAttachment(
            `${name}-access-ecr`,
            { role: role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess" },
            usedByKeptOptions(this),
        );
        return { arn: role.arn, permissions: [attachment] };
    }

    /** Secrets this stack stores: their complete ARNs are known only as Outputs, so they get their own policy. */
    private allowStoredSecrets(
        name: string,
        role: aws.iam.Role,
        arns: pulumi.Input<string>[],
        account: AppRunnerServiceArgs["account"],
    ): aws.iam.RolePolicy | undefined {
        if (arns.length === 0) return undefined;
        const policy = pulumi.all(arns).apply((list) => JSON.stringify({ Version: "2012-10-17", Statement: secretReadStatements(list, account) }));
        return new aws.iam.RolePolicy(`${name}-read-stored-secrets`, { role: role.id, policy }, usedByKeptOptions(this));
    }

    /** The role the running service assumes; it may read exactly the configured secrets. */
    private createInstanceRole(name: string, secrets: readonly SecretReference[]): { role: aws.iam.Role; permissions: pulumi.Resource[] } {
        const role = new aws.iam.Role(
            `${name}-instance-role`,
            { assumeRolePolicy: assumeRolePolicy("tasks.apprunner.amazonaws.com"), description: "App Runner service instances: read configured secrets" },
            usedByKeptOptions(this),
        );
        const grants = (service: SecretReference["service"]) => [...new Set(secrets.filter((s) => s.service === service).map((s) => s.grant))];
        const secretsManager = grants("secretsmanager");
        const ssm = grants("ssm");
        const statements = [
            ...(secretsManager.length ? [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretsManager }] : []),
            ...(ssm.length ? [{ Effect: "Allow", Action: ["ssm:GetParameters"], Resource: ssm }] : []),
        ];
        if (statements.length === 0) return { role, permissions: [] };
        const policy = new aws.iam.RolePolicy(
            `${name}-read-secrets`,
            { role: role.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) },
            usedByKeptOptions(this),
        );
        return { role, permissions: [policy] };
    }
}

/**
 * The variables as the service holds them. The live service keeps passwords there (DATABASE_URL), and the
 * provider does not mark them sensitive, so every diff of an import or of the update that replaces them
 * would print each value: the engine shows this path as "(hidden)" in previews, updates and PR comments.
 */
export const LIVE_ENVIRONMENT = "sourceConfiguration.imageRepository.imageConfiguration.runtimeEnvironmentVariables";

/** The plain variable whose change makes App Runner deploy again when a stored secret's value changes. */
export const STORED_VALUES_REVISION = "STORED_VALUES_REVISION";

function assumeRolePolicy(service: string): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });
}

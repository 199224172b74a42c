import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { unpinnedImageReason } from "../policies/lib/images";
import { keptResourceOptions, usedByKeptOptions } from "./adopt";
import { ECS_SERVICE, LOG_GROUP } from "./liveProperties";
import { secretReadStatements } from "./secretAccess";
import { fullSecretArn, resolveSecretReference, secretReferenceProblem } from "./secretReference";

export interface TaskSpec {
    /** Image with a pinned tag or digest; `latest` is refused. */
    readonly image: string;
    /** Fargate CPU units. @default 512 */
    readonly cpu?: number;
    /** MiB. @default 1024 */
    readonly memory?: number;
    readonly command?: readonly string[];
    readonly env?: Readonly<Record<string, string>>;
    /**
     * Env var name → Secrets Manager secret (full or partial ARN, or name) or SSM parameter ARN, injected by
     * ECS at launch (`valueFrom`, with a name looked up for the full ARN); the execution role may read these.
     */
    readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Env var name → a `valueFrom` to use instead of the secret's ARN (a stored secret pinned to its version). */
    readonly valueFrom?: Readonly<Record<string, pulumi.Input<string>>>;
    readonly desiredCount: number;
    /** The container's name (a load balancer targets it by name). @default "api" or "worker" */
    readonly containerName?: string;
    /** Existing role the application's code runs as; none when omitted. */
    readonly taskRoleArn?: string;
    /** `awslogs-stream-prefix`. @default the container name */
    readonly logStreamPrefix?: string;
    /**
     * Capacity providers (e.g. FARGATE and FARGATE_SPOT) instead of `launchType: FARGATE`.
     * Switching between the two replaces the service, which protection refuses: match the live one.
     */
    readonly capacityProviderStrategy?: readonly { readonly capacityProvider: string; readonly weight?: number; readonly base?: number }[];
}

export interface EcsWorkerArgs {
    /** Base name: services `<name>` and `<name>-worker`, log groups `/ecs/<name>-api` and `/ecs/<name>-worker`. */
    readonly baseName: string;
    /** Existing cluster, looked up by name (the lookup fails the preview if it does not exist). */
    readonly clusterName: string;
    /** Create the cluster instead of looking it up (greenfield). @default false */
    readonly createCluster?: boolean;
    readonly region: string;
    readonly vpcId: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** @default false */
    readonly assignPublicIp?: boolean;
    /** @default 30 */
    readonly logRetentionDays?: number;
    /** Account and region of the tasks: secret names resolve there. */
    readonly account: { readonly id: string; readonly region: string };
    /** Customer-managed KMS key of the secrets; the execution role gets `kms:Decrypt` on it. */
    readonly secretsKmsKeyArn?: string;
    /** Resources that give the secrets their values (a SecretStore's versions): tasks start after them. */
    readonly secretsReady?: pulumi.Resource[];
    readonly api: TaskSpec & {
        readonly containerPort: number;
        /** A load balancer in front of the API; enables the health-check grace period. */
        readonly loadBalancer?: { readonly targetGroupArn: string; readonly healthCheckGracePeriodSeconds: number; readonly securityGroupId?: string };
    };
    /** The worker defaults to the API image. */
    readonly worker: Omit<TaskSpec, "image"> & { readonly image?: string; readonly stopped?: boolean };
    /** Live resources to import: the existing services and log groups. */
    readonly adopt?: { readonly apiService?: boolean; readonly apiLogGroup?: boolean; readonly workerService?: boolean; readonly workerLogGroup?: boolean };
    /**
     * The `adopt` stage: import the services and log groups `adopt` names as they run (task definition,
     * network, security groups, load balancer and counts kept) and create nothing; a security-group swap
     * could cut a load balancer or endpoint off. The new task definitions come with `harden`.
     * @default false
     */
    readonly asLive?: boolean;
}

export function ecsWorkerProblems(args: EcsWorkerArgs): string[] {
    const problems: string[] = [];
    const apiReason = unpinnedImageReason(args.api.image);
    if (apiReason) problems.push(`\`api.image\` must pin a tag or digest: ${apiReason}`);
    if (args.worker.image !== undefined) {
        const workerReason = unpinnedImageReason(args.worker.image);
        if (workerReason) problems.push(`\`worker.image\` must pin a tag or digest: ${workerReason}`);
    }
    for (const [key, count] of [
        ["api.desiredCount", args.api.desiredCount],
        ["worker.desiredCount", args.worker.desiredCount],
    ] as const) {
        if (!Number.isInteger(count) || count < 0) problems.push(`\`${key}\` must be a whole number ≥ 0; got ${count}`);
    }
    for (const [role, spec] of [
        ["api", args.api],
        ["worker", args.worker],
    ] as const) {
        for (const [envName, ref] of Object.entries(spec.secrets ?? {})) {
            // ARNs of secrets this stack creates are Outputs, complete by construction.
            const problem = typeof ref === "string" ? secretReferenceProblem(ref) : undefined;
            if (problem) problems.push(`\`${role}.secrets.${envName}\` ${problem}`);
            if (envName in (spec.env ?? {})) problems.push(`\`${role}.env.${envName}\` is also in secrets; keep it in secrets only`);
        }
    }
    return problems;
}

/** The worker's desired count: 0 when stopped (the seeds' "stop the worker"), nothing deleted. */
export function workerDesiredCount(worker: EcsWorkerArgs["worker"]): number {
    return worker.stopped ? 0 : worker.desiredCount;
}

/**
 * The API service and its worker on an existing Fargate cluster. Both roll back failed
 * deployments on their own (circuit breaker with rollback), and `pulumi up` waits for steady
 * state, so a bad image fails the update instead of being discovered by hand.
 */
export class EcsWorker extends pulumi.ComponentResource {
    /** The service outputs are undefined while adopting a service `adopt` does not name. */
    public readonly apiServiceName?: pulumi.Output<string>;
    public readonly workerServiceName?: pulumi.Output<string>;
    public readonly apiTaskDefinitionArn?: pulumi.Output<string>;
    public readonly workerTaskDefinitionArn?: pulumi.Output<string>;
    /** Undefined while adopting: the live services keep their groups until `harden`. */
    public readonly tasksSecurityGroupId?: pulumi.Output<string>;

    constructor(name: string, args: EcsWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-remediation:ecs:EcsWorker", name, {}, opts);
        const problems = ecsWorkerProblems(args);
        if (problems.length > 0) throw new Error(`EcsWorker ${name}: ${problems.join("; ")}`);
        const adopt = args.adopt ?? {};
        const base = args.baseName;
        if (args.asLive) {
            if (args.createCluster) throw new Error(`EcsWorker ${name}: \`asLive\` adopts live services; a new cluster has none`);
            const live = this.adoptAsLive(name, args);
            this.apiServiceName = live.api?.name;
            this.apiTaskDefinitionArn = live.api?.taskDefinition.apply((arn) => arn ?? "");
            this.workerServiceName = live.worker?.name;
            this.workerTaskDefinitionArn = live.worker?.taskDefinition.apply((arn) => arn ?? "");
            this.registerOutputs({
                apiServiceName: this.apiServiceName,
                workerServiceName: this.workerServiceName,
                apiTaskDefinitionArn: this.apiTaskDefinitionArn,
                workerTaskDefinitionArn: this.workerTaskDefinitionArn,
            });
            return;
        }

        const clusterArn = args.createCluster
            ? new aws.ecs.Cluster(`${name}-cluster`, { name: args.clusterName, settings: [{ name: "containerInsights", value: "enabled" }] }, { parent: this })
                  .arn
            : aws.ecs.getClusterOutput({ clusterName: args.clusterName }, { parent: this }).arn;
        // The tasks' group is this program's own, so its rules are inline: dropping the load balancer is an
        // update that revokes its rule, while a step back to `adopt` retains the group with its rules.
        const lb = args.api.loadBalancer;
        const tasksSg = new aws.ec2.SecurityGroup(
            `${name}-tasks-sg`,
            {
                vpcId: args.vpcId,
                description: `${base} API and worker tasks`,
                ingress: lb?.securityGroupId
                    ? [
                          {
                              securityGroups: [lb.securityGroupId],
                              protocol: "tcp",
                              fromPort: args.api.containerPort,
                              toPort: args.api.containerPort,
                              description: "API traffic from its load balancer",
                          },
                      ]
                    : [],
                egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "tasks reach ECR, logs and their dependencies" }],
                tags: { Name: `${base}-tasks` },
            },
            usedByKeptOptions(this),
        );

        const executionRole = new aws.iam.Role(
            `${name}-execution-role`,
            {
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
            },
            usedByKeptOptions(this),
        );
        // Tasks pull images and write logs with the execution role: everything that starts a task
        // waits for this attachment, not only for the role.
        const executionPolicy = new aws.iam.RolePolicyAttachment(
            `${name}-execution-policy`,
            { role: executionRole.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" },
            usedByKeptOptions(this),
        );
        const readSecrets = this.readSecretsPolicy(name, executionRole, [args.api, args.worker], args.account, args.secretsKmsKeyArn);
        const secretsPermissions = [...(readSecrets ? [readSecrets] : []), ...(args.secretsReady ?? [])];

        const retentionInDays = args.logRetentionDays ?? 30;
        const roles = [
            {
                role: "api",
                family: base,
                service: base,
                spec: args.api,
                port: args.api.containerPort as number | undefined,
                adoptLogs: adopt.apiLogGroup,
                adoptService: adopt.apiService,
            },
            {
                role: "worker",
                family: `${base}-worker`,
                service: `${base}-worker`,
                spec: { ...args.worker, image: args.worker.image ?? args.api.image },
                port: undefined,
                adoptLogs: adopt.workerLogGroup,
                adoptService: adopt.workerService,
            },
        ];
        const services: Record<string, aws.ecs.Service> = {};
        const taskDefinitions: Record<string, aws.ecs.TaskDefinition> = {};
        for (const { role, family, service, spec, port, adoptLogs, adoptService } of roles) {
            const logGroupName = `/ecs/${base}-${role}`;
            const containerName = spec.containerName ?? role;
            const logGroup = new aws.cloudwatch.LogGroup(
                `${name}-${role}-logs`,
                { name: logGroupName, retentionInDays },
                keptResourceOptions(this, { importId: adoptLogs ? logGroupName : undefined, properties: LOG_GROUP }),
            );
            const taskDefinition = new aws.ecs.TaskDefinition(
                `${name}-${role}-task`,
                {
                    family,
                    requiresCompatibilities: ["FARGATE"],
                    networkMode: "awsvpc",
                    cpu: String(spec.cpu ?? 512),
                    memory: String(spec.memory ?? 1024),
                    executionRoleArn: executionRole.arn,
                    taskRoleArn: spec.taskRoleArn,
                    containerDefinitions: pulumi.all([logGroup.name, this.valueFroms(spec, args.account)]).apply(([group, secrets]) =>
                        JSON.stringify([
                            {
                                name: containerName,
                                image: spec.image,
                                essential: true,
                                ...(spec.command ? { command: spec.command } : {}),
                                ...(port ? { portMappings: [{ containerPort: port, hostPort: port, protocol: "tcp" }] } : {}),
                                environment: Object.entries(spec.env ?? {}).map(([envName, value]) => ({ name: envName, value })),
                                ...(Object.keys(secrets).length
                                    ? { secrets: Object.entries(secrets).map(([envName, valueFrom]) => ({ name: envName, valueFrom })) }
                                    : {}),
                                logConfiguration: {
                                    logDriver: "awslogs",
                                    options: {
                                        "awslogs-group": group,
                                        "awslogs-region": args.region,
                                        "awslogs-stream-prefix": spec.logStreamPrefix ?? containerName,
                                    },
                                },
                            },
                        ]),
                    ),
                },
                // Tasks fetch their secrets with the execution role when they start. A replaced revision
                // stays registered, unmanaged, as a rollback target.
                usedByKeptOptions(this, { dependsOn: [executionPolicy, ...secretsPermissions] }),
            );
            const withLb = role === "api" && lb !== undefined;
            const placement = spec.capacityProviderStrategy?.length
                ? { capacityProviderStrategies: spec.capacityProviderStrategy.map((s) => ({ ...s })) }
                : { launchType: "FARGATE" };
            services[role] = new aws.ecs.Service(
                `${name}-${role}`,
                {
                    name: service,
                    cluster: clusterArn,
                    taskDefinition: taskDefinition.arn,
                    desiredCount: role === "api" ? args.api.desiredCount : workerDesiredCount(args.worker),
                    ...placement,
                    networkConfiguration: { subnets: args.subnetIds, securityGroups: [tasksSg.id], assignPublicIp: args.assignPublicIp ?? false },
                    deploymentCircuitBreaker: { enable: true, rollback: true },
                    deploymentMinimumHealthyPercent: 100,
                    deploymentMaximumPercent: 200,
                    waitForSteadyState: true,
                    ...(withLb
                        ? {
                              loadBalancers: [{ targetGroupArn: lb.targetGroupArn, containerName, containerPort: args.api.containerPort }],
                              healthCheckGracePeriodSeconds: lb.healthCheckGracePeriodSeconds,
                          }
                        : {}),
                },
                keptResourceOptions(this, {
                    importId: adoptService ? `${args.clusterName}/${service}` : undefined,
                    properties: ECS_SERVICE,
                    dependsOn: [executionPolicy, ...secretsPermissions],
                }),
            );
            taskDefinitions[role] = taskDefinition;
        }

        this.apiServiceName = services.api.name;
        this.workerServiceName = services.worker.name;
        this.apiTaskDefinitionArn = taskDefinitions.api.arn;
        this.workerTaskDefinitionArn = taskDefinitions.worker.arn;
        this.tasksSecurityGroupId = tasksSg.id;
        this.registerOutputs({
            apiServiceName: this.apiServiceName,
            workerServiceName: this.workerServiceName,
            apiTaskDefinitionArn: this.apiTaskDefinitionArn,
            workerTaskDefinitionArn: this.workerTaskDefinitionArn,
            tasksSecurityGroupId: this.tasksSecurityGroupId,
        });
    }

    /** The adopted services and log groups, each declared by its identity alone and otherwise kept as it is live. */
    private adoptAsLive(name: string, args: EcsWorkerArgs): { api?: aws.ecs.Service; worker?: aws.ecs.Service } {
        const adopt = args.adopt ?? {};
        const base = args.baseName;
        const clusterArn = aws.ecs.getClusterOutput({ clusterName: args.clusterName }, { parent: this }).arn;
        const adopted: { api?: aws.ecs.Service; worker?: aws.ecs.Service } = {};
        for (const [role, service, adoptLogs, adoptService] of [
            ["api", base, adopt.apiLogGroup, adopt.apiService],
            ["worker", `${base}-worker`, adopt.workerLogGroup, adopt.workerService],
        ] as const) {
            const logGroupName = `/ecs/${base}-${role}`;
            if (adoptLogs) {
                new aws.cloudwatch.LogGroup(
                    `${name}-${role}-logs`,
                    { name: logGroupName },
                    keptResourceOptions(this, { importId: logGroupName, properties: LOG_GROUP, asLive: true }),
                );
            }
            if (adoptService) {
                adopted[role] = new aws.ecs.Service(
                    `${name}-${role}`,
                    { name: service, cluster: clusterArn },
                    keptResourceOptions(this, { importId: `${args.clusterName}/${service}`, properties: ECS_SERVICE, asLive: true }),
                );
            }
        }
        return adopted;
    }

    /** Each secret's `valueFrom`: a pinned override, else the full ARN (ECS would read a bare name as an SSM parameter). */
    private valueFroms(spec: TaskSpec, account: { id: string; region: string }): pulumi.Output<Record<string, string>> {
        const entries = Object.entries(spec.secrets ?? {}).map(([envName, ref]) => {
            const pinned = spec.valueFrom?.[envName];
            if (pinned !== undefined) return [envName, pinned] as const;
            return [envName, typeof ref === "string" ? fullSecretArn(resolveSecretReference(ref, account), this) : ref] as const;
        });
        return pulumi.output(Object.fromEntries(entries)) as pulumi.Output<Record<string, string>>;
    }

    /** The execution role may read exactly the secrets the API and worker reference, and nothing else. */
    private readSecretsPolicy(
        name: string,
        role: aws.iam.Role,
        specs: { secrets?: Readonly<Record<string, pulumi.Input<string>>> }[],
        account: { id: string; region: string },
        kmsKeyArn?: string,
    ) {
        const refs = specs.flatMap((s) => Object.values(s.secrets ?? {}));
        if (refs.length === 0) return undefined;
        const policy = pulumi.all(refs).apply((arns) => JSON.stringify({ Version: "2012-10-17", Statement: secretReadStatements(arns, account, kmsKeyArn) }));
        return new aws.iam.RolePolicy(`${name}-read-secrets`, { role: role.id, policy }, usedByKeptOptions(this));
    }
}

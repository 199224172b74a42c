import { z } from "zod";
import { healthCheckProblems, instanceSizeProblem } from "../policies/lib/appRunnerLimits";
import { unpinnedImageReason } from "../policies/lib/images";
import { natLayoutProblems } from "../components/natLayout";
import { secretReferenceProblem } from "../components/secretReference";
import { decommissionProblem, unverifiedKeyProblem } from "./adoption";
import { cidrWithPrefix, fargateSizeCheck, uniqueIds } from "./fields";
import { looksLikeSecretValue, secretLookingReason } from "./secretDetection";
import { SECRET_VALUE_NAME, secretValueProblems, storedSecretName } from "./secretValues";
import { APP_RUNNER_STAGES, ECS_STAGES } from "./stages";

const awsId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), `must look like ${prefix}-0123456789abcdef0`);
const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");
const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as us-east-1");
const arn = (service: string) => z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `must be an ${service} ARN`);
/** A Secrets Manager or SSM reference, or `secretValues.NAME` (a value this stack stores). */
const secretReference = z.string().superRefine((reference, ctx) => {
    if (storedSecretName(reference) !== undefined) return;
    const problem = secretReferenceProblem(reference);
    if (problem) ctx.addIssue({ code: "custom", message: `${problem} (secretValues.NAME is also accepted)` });
    // A plaintext token passes as a secret *name*; it would then sit in the task definition or a lookup error.
    else if (!reference.startsWith("arn:") && looksLikeSecretValue(reference)) {
        ctx.addIssue({
            code: "custom",
            message: "looks like a secret value, not a secret's name; store the value in Secrets Manager (or secretValues) and reference it here",
        });
    }
});
/** An existing rule's id, or `create` once it is confirmed that no such rule exists. */
const ruleIdOrCreate = z.string().regex(/^(sgr-[0-9a-f]{8,17}|create)$/, 'must be a security group rule id (sgr-…) or "create" (confirmed absent)');
/** Env var names the secret detector flags but that hold no secret (a git SHA, a public key id). */
const envNotSecret = z.array(z.string()).default([]);

/** Plain env may not hold what belongs in `secrets`: a name in both, or a value that looks like a secret. */
function envProblems(
    service: { env: Record<string, string>; secrets: Record<string, string>; envNotSecret: string[] },
    ctx: z.RefinementCtx,
    secretsKey: string,
): void {
    for (const [key, value] of Object.entries(service.env)) {
        if (key in service.secrets) ctx.addIssue({ code: "custom", path: ["env", key], message: "is also a secret; keep it in secrets only" });
        const reason = secretLookingReason(key, value, service.envNotSecret);
        if (reason) {
            ctx.addIssue({
                code: "custom",
                path: ["env", key],
                message: `looks like a secret (${reason}); store it in Secrets Manager or SSM and reference its ARN in \`${secretsKey}.${key}\``,
            });
        }
    }
}
const port = z.number().int().min(1).max(65535);
const stageOf = <const T extends readonly [string, ...string[]]>(stages: T) => z.enum(stages, { error: `must be one of ${stages.join(", ")}` });

const pinnedImage = z.string().superRefine((image, ctx) => {
    const reason = unpinnedImageReason(image);
    if (reason) ctx.addIssue({ code: "custom", message: `must pin a tag or digest: ${reason}` });
});

export const accountSchema = z
    .object({
        id: accountId,
        region,
        /** Named profile from ~/.aws/config (the seeds use okta-sso). */
        profile: z.string().min(1).optional(),
        /** Role to assume, e.g. the one CI's OIDC identity may assume. */
        assumeRoleArn: arn("iam").optional(),
    })
    .strict();

const healthCheckSchema = z
    .object({
        protocol: z.enum(["HTTP", "TCP"]).default("HTTP"),
        path: z.string().optional(),
        interval: z.number().optional(),
        timeout: z.number().optional(),
        healthyThreshold: z.number().optional(),
        unhealthyThreshold: z.number().optional(),
    })
    .strict()
    .superRefine((check, ctx) => {
        for (const { field, message } of healthCheckProblems(check)) ctx.addIssue({ code: "custom", path: [field], message });
    });

const appRunnerServiceSchema = z
    .object({
        name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-_]{3,39}$/, "must be 4–40 letters, digits, - or _"),
        image: pinnedImage,
        port: port.default(8000),
        /** Existing ECR access role; a scoped one is created when omitted. */
        accessRoleArn: arn("iam").optional(),
        cpu: z.union([z.string(), z.number()]).default("1 vCPU"),
        memory: z.union([z.string(), z.number()]).default("2 GB"),
        healthCheck: healthCheckSchema.default({ protocol: "HTTP" }),
        env: z.record(z.string(), z.string()).default({}),
        envNotSecret,
        secrets: z.record(z.string(), secretReference).default({}),
        autoScaling: z
            .object({ minSize: z.number().int().min(1).max(25), maxSize: z.number().int().min(1).max(25), maxConcurrency: z.number().int().min(1).max(200) })
            .strict()
            .refine((s) => s.minSize <= s.maxSize, { message: "minSize must not exceed maxSize", path: ["minSize"] })
            .optional(),
    })
    .strict()
    .superRefine((service, ctx) => {
        const problem = instanceSizeProblem(service.cpu, service.memory);
        if (problem) ctx.addIssue({ code: "custom", path: [problem.field], message: problem.message });
        envProblems(service, ctx, "appRunner.service.secrets");
    });

const networkSchema = z
    .object({
        /** Existing VPC; omit it (and the subnet lists) to create a new VPC (greenfield). */
        vpcId: awsId("vpc").optional(),
        connectorSubnetIds: uniqueIds(awsId("subnet")).optional(),
        publicSubnetIds: uniqueIds(awsId("subnet")).optional(),
        /** `none` is the seeds' broken state, kept so a plan can show what the NAT policy catches. */
        natMode: z.enum(["single", "perAz", "none"]).default("single"),
        /** Subnet id → availability zone; needed for perAz so each subnet routes to the NAT in its own AZ. */
        subnetAzs: z.record(awsId("subnet"), z.string().regex(/^[a-z]{2}-[a-z]+-\d[a-z]$/, "must be an availability zone such as us-east-1a")).default({}),
        /**
         * Connector subnet → the route table it is explicitly associated with today. That association is
         * imported and moved to the NAT's table (ReplaceRouteTableAssociation); creating a second one fails
         * with Resource.AlreadyAssociated. Subnets not listed are on the VPC's main table.
         */
        explicitAssociations: z.record(awsId("subnet"), awsId("rtb")).default({}),
        /** Greenfield only: the new VPC's CIDR and how many AZs it spans. */
        cidrBlock: cidrWithPrefix("ipv4").default("10.40.0.0/16"),
        azCount: z.number().int().min(2).max(3).default(2),
    })
    .strict()
    .superRefine((net, ctx) => {
        const existing = net.vpcId !== undefined;
        if (existing && !net.connectorSubnetIds) ctx.addIssue({ code: "custom", path: ["connectorSubnetIds"], message: "is required with vpcId" });
        if (existing && !net.publicSubnetIds)
            ctx.addIssue({
                code: "custom",
                path: ["publicSubnetIds"],
                message: "is required with vpcId (the NAT gateway needs a subnet routed to an internet gateway)",
            });
        if (!existing && (net.connectorSubnetIds || net.publicSubnetIds)) {
            ctx.addIssue({ code: "custom", path: ["vpcId"], message: "is required when subnet ids are given (omit all three for a new VPC)" });
        }
        if (existing && net.connectorSubnetIds && net.publicSubnetIds) {
            const layout = { connectorSubnetIds: net.connectorSubnetIds, publicSubnetIds: net.publicSubnetIds, subnetAzs: net.subnetAzs };
            for (const { field, message } of natLayoutProblems(layout, net.natMode)) ctx.addIssue({ code: "custom", path: field.split("."), message });
        }
        for (const subnetId of Object.keys(net.explicitAssociations)) {
            if (!net.connectorSubnetIds?.includes(subnetId))
                ctx.addIssue({ code: "custom", path: ["explicitAssociations", subnetId], message: "is not a connector subnet; only their associations move" });
        }
    });

const adoptSchema = z
    .object({
        connectorArn: arn("apprunner").optional(),
        connectorSecurityGroupId: awsId("sg").optional(),
        serviceArn: arn("apprunner").optional(),
        postgresSecurityGroupId: awsId("sg").optional(),
        postgresIngressRuleIds: z.record(z.string(), ruleIdOrCreate).optional(),
        /** The adopted connector group's existing allow-all egress rule. */
        connectorEgressRuleId: ruleIdOrCreate.optional(),
        /**
         * The RDS group's live "PostgreSQL from 0.0.0.0/0" rule (seed 001), or `none` once confirmed absent.
         * `adopt` imports it so it is visible (it passes the pack only through a recorded exemption);
         * `harden` deletes it.
         */
        postgresWorldOpenRuleId: z
            .string()
            .regex(/^(sgr-[0-9a-f]{8,17}|none)$/, 'must be a security group rule id (sgr-…) or "none" (confirmed absent)')
            .optional(),
    })
    .strict();

export const appRunnerSchema = z
    .object({
        enabled: z.boolean().default(true),
        /** How far along the road this part is: egress (the NAT path alone), adopt, harden (the end state). */
        stage: stageOf(APP_RUNNER_STAGES).default("harden"),
        account: accountSchema,
        connectorName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-_]{3,39}$/, "must be 4–40 letters, digits, - or _"),
        network: networkSchema,
        service: appRunnerServiceSchema,
        dataStores: z
            .object({
                postgresPort: port.default(5432),
                redisPort: port.default(6379),
                /** The live replication group moved into its own security group; always imported (never created). */
                redisReplicationGroupId: z
                    .string()
                    .regex(/^[a-z][a-z0-9-]{0,39}$/, "must be an ElastiCache replication group id")
                    .optional(),
                /** Extra CIDR sources by name (a VPN range); the policy pack blocks world-open ones. */
                cidrSources: z.record(z.string().regex(/^[a-z0-9-]+$/, "must be lowercase letters, digits and -"), cidrWithPrefix()).default({}),
            })
            .strict()
            .default({ postgresPort: 5432, redisPort: 6379, cidrSources: {} }),
        /** Ids of live resources to import on the first `pulumi up`; protection does not depend on them. */
        adopt: adoptSchema.default({}),
        /** Deliberately stop managing this part: protection is lifted, stateful resources stay in AWS. */
        decommission: z.boolean().default(false),
    })
    .strict()
    .superRefine((part, ctx) => {
        const problem = decommissionProblem("appRunner", part);
        if (problem) ctx.addIssue({ code: "custom", path: ["enabled"], message: problem });
        if (part.stage !== "harden" && !part.network.vpcId)
            ctx.addIssue({ code: "custom", path: ["stage"], message: `${part.stage} works on a live VPC (network.vpcId); a new VPC starts at harden` });
        if (part.stage === "adopt") {
            for (const key of ["connectorArn", "connectorSecurityGroupId", "serviceArn"] as const) {
                if (!part.adopt[key])
                    ctx.addIssue({
                        code: "custom",
                        path: ["adopt", key],
                        message: "is required at stage adopt, which imports the live connector, its group and the service",
                    });
            }
        }
    });

const loadBalancerSchema = z
    .object({
        targetGroupArn: arn("elasticloadbalancing"),
        securityGroupId: awsId("sg").optional(),
        healthCheckGracePeriodSeconds: z.number().int().min(0).max(2147483647).default(60),
    })
    .strict();

const ecsTaskSchema = {
    image: pinnedImage,
    cpu: z
        .number()
        .int()
        .refine((v) => [256, 512, 1024, 2048, 4096, 8192, 16384].includes(v), "must be a Fargate CPU value (256, 512, 1024, 2048, 4096, 8192 or 16384)")
        .default(512),
    memory: z.number().int().min(512).max(122880).default(1024),
    command: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).default({}),
    /** The live task definition's container name, log stream prefix and task role, so a new revision keeps them. */
    containerName: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/, "must be letters, digits, - or _")
        .optional(),
    logStreamPrefix: z.string().min(1).optional(),
    taskRoleArn: arn("iam").optional(),
    /** Instead of launchType FARGATE; switching between the two replaces the service. */
    capacityProviderStrategy: z
        .array(
            z
                .object({
                    capacityProvider: z.string().min(1),
                    weight: z.number().int().min(0).max(1000).optional(),
                    base: z.number().int().min(0).max(100000).optional(),
                })
                .strict(),
        )
        .min(1)
        .optional(),
    envNotSecret,
    /** Env var name → Secrets Manager or SSM reference, or secretValues.NAME, injected by ECS (`valueFrom`). */
    secrets: z.record(z.string(), secretReference).default({}),
};

export const ecsSchema = z
    .object({
        enabled: z.boolean().default(true),
        /** adopt (the live services imported as they run) or harden (pinned images, circuit breakers, the worker). */
        stage: stageOf(ECS_STAGES).default("harden"),
        account: accountSchema,
        clusterName: z.string().min(1),
        /** Create the cluster (greenfield) instead of looking up an existing one. */
        createCluster: z.boolean().default(false),
        /** Base name: the API service is `<name>`, the worker `<name>-worker`, log groups `/ecs/<name>-api|-worker`. */
        name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-_]{0,200}$/, "must be letters, digits, - or _"),
        /** Omit both to run the tasks in the App Runner stack's VPC (same account and region only). */
        vpcId: awsId("vpc").optional(),
        subnetIds: uniqueIds(awsId("subnet")).optional(),
        assignPublicIp: z.boolean().default(false),
        /** Customer-managed KMS key that encrypts the tasks' secrets; the execution role may decrypt with it. */
        secretsKmsKeyArn: z
            .string()
            .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, "must be a KMS key ARN (arn:aws:kms:…:key/…; an alias matches nothing in IAM)")
            .optional(),
        logRetentionDays: z
            .number()
            .refine(
                (d) => [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].includes(d),
                "must be a CloudWatch retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, … 3653)",
            )
            .default(30),
        api: z
            .object({
                ...ecsTaskSchema,
                desiredCount: z.number().int().min(0).max(1000).default(2),
                containerPort: port.default(8080),
                loadBalancer: loadBalancerSchema.optional(),
            })
            .strict()
            .superRefine(fargateSizeCheck)
            .superRefine((task, ctx) => envProblems(task, ctx, "ecs.api.secrets")),
        worker: z
            .object({
                ...ecsTaskSchema,
                image: pinnedImage.optional(),
                desiredCount: z.number().int().min(0).max(1000).default(1),
                /** The seeds' "stop the worker": desired count 0, nothing deleted. */
                stopped: z.boolean().default(false),
            })
            .strict()
            .superRefine(fargateSizeCheck)
            .superRefine((task, ctx) => envProblems(task, ctx, "ecs.worker.secrets")),
        /** Live resources to import instead of create (the seeds' hand-built API service and its log group). */
        adopt: z
            .object({
                apiService: z.boolean().default(false),
                apiLogGroup: z.boolean().default(false),
                workerService: z.boolean().default(false),
                workerLogGroup: z.boolean().default(false),
            })
            .strict()
            .default({ apiService: false, apiLogGroup: false, workerService: false, workerLogGroup: false }),
        /** Deliberately stop managing this part: protection is lifted, services and log groups stay in AWS. */
        decommission: z.boolean().default(false),
    })
    .strict()
    .superRefine((part, ctx) => {
        const problem = decommissionProblem("ecs", part);
        if (problem) ctx.addIssue({ code: "custom", path: ["enabled"], message: problem });
        if (part.stage === "adopt" && part.createCluster)
            ctx.addIssue({ code: "custom", path: ["stage"], message: "adopt imports live services; a new cluster (createCluster) starts at harden" });
    });

export const stackConfigSchema = z
    .object({
        appRunner: appRunnerSchema.optional(),
        ecs: ecsSchema.optional(),
        /** Tags added to every resource through the providers' defaultTags. */
        tags: z.record(z.string(), z.string()).default({}),
        /**
         * Values nobody has confirmed against the live account: `pulumi preview` warns about each,
         * `pulumi up` refuses while any is listed. `confirm` is the command that shows the live value.
         */
        unverified: z
            .array(
                z
                    .object({
                        key: z.string().regex(/^(appRunner|ecs)(\.[A-Za-z0-9_-]+)+$/, "must be a dotted config key such as ecs.api.loadBalancer"),
                        reason: z.string().min(1),
                        confirm: z.string().min(1),
                    })
                    .strict(),
            )
            .default([]),
        /** Secret values (set with --secret) the program stores in Secrets Manager; referenced as `secretValues.NAME`. */
        secretValues: z.record(z.string().regex(SECRET_VALUE_NAME, "names must be letters, digits and _"), z.string().min(1)).default({}),
    })
    .superRefine((stack, ctx) => {
        const maps = {
            "appRunner.service.secrets": stack.appRunner?.service.secrets ?? {},
            "ecs.api.secrets": stack.ecs?.api.secrets ?? {},
            "ecs.worker.secrets": stack.ecs?.worker.secrets ?? {},
        };
        for (const { path, message } of secretValueProblems({ secretValues: stack.secretValues, maps })) ctx.addIssue({ code: "custom", path, message });
    })
    .superRefine((stack, ctx) => {
        stack.unverified.forEach(({ key }, i) => {
            const problem = unverifiedKeyProblem(stack, key);
            if (problem) ctx.addIssue({ code: "custom", path: ["unverified", i, "key"], message: problem });
        });
        const ecs = stack.ecs;
        if (!ecs || (ecs.vpcId && ecs.subnetIds)) return;
        if (!!ecs.vpcId !== !!ecs.subnetIds) {
            ctx.addIssue({
                code: "custom",
                path: ["ecs", ecs.vpcId ? "subnetIds" : "vpcId"],
                message: "is required together with the other of vpcId/subnetIds",
            });
            return;
        }
        const shared = stack.appRunner?.enabled && stack.appRunner.account.id === ecs.account.id && stack.appRunner.account.region === ecs.account.region;
        if (ecs.enabled && !shared) {
            ctx.addIssue({
                code: "custom",
                path: ["ecs", "vpcId"],
                message: "is required unless appRunner is enabled in the same account and region (whose VPC the tasks then share)",
            });
        }
    });

export type AccountConfig = z.infer<typeof accountSchema>;
export type AppRunnerConfig = z.infer<typeof appRunnerSchema>;
export type EcsConfig = z.infer<typeof ecsSchema>;
export type StackConfig = z.infer<typeof stackConfigSchema>;
export type HealthCheckConfig = z.infer<typeof healthCheckSchema>;

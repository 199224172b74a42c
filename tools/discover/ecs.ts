import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { ContainerDefinition, DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, Service } from "@aws-sdk/client-ecs";
import { EcsConfig } from "../../config/schema";
import { isPlaceholder } from "../../config/placeholders";
import { parseImage, unpinnedImageReason } from "../../policies/lib/images";
import { AccountSession, call } from "./aws";
import { Discovery, emptyDiscovery } from "./findings";
import { storedSecretName } from "../../config/secretValues";
import { secretReferenceProblem } from "../../components/secretReference";
import { describeSecretArguments, looksSecret, secretArguments } from "./secretLooking";

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(.+)$/;

/** A live service mid-deployment: more than one deployment, or the primary one still rolling out. */
export function deploymentInProgress(service: Service): string | undefined {
    const deployments = service.deployments ?? [];
    const rolling = deployments.find((d) => d.rolloutState === "IN_PROGRESS");
    if (rolling) return `deployment ${rolling.id} is IN_PROGRESS (${rolling.runningCount ?? 0}/${rolling.desiredCount ?? 0} running)`;
    if (deployments.length > 1)
        return `${deployments.length} deployments are active (${deployments.map((d) => `${d.status} ${d.taskDefinition?.split("/").pop()}`).join(", ")})`;
    return undefined;
}

/** The API container and the port it serves on, or why it cannot be told apart from the others. */
export type ApiContainer = { container: ContainerDefinition; port?: number; how: string } | { problem: string };

/**
 * The container the API serves from: the one the service's load balancer targets (on the port
 * it targets), else the only one mapping the configured port, else the only container. A task
 * whose first container is a sidecar (a log or metrics collector) must not lend it its name,
 * port and image; when nothing singles one out, the answer is a problem listing the candidates.
 */
export function apiContainer(
    containers: readonly ContainerDefinition[],
    configuredPort: number,
    loadBalancer?: { containerName?: string; containerPort?: number },
): ApiContainer {
    const names = containers.map((c) => c.name ?? "(unnamed)").join(", ");
    if (loadBalancer?.containerName) {
        const targeted = containers.find((c) => c.name === loadBalancer.containerName);
        if (targeted) return { container: targeted, port: loadBalancer.containerPort, how: "the load balancer's target" };
        return { problem: `the load balancer targets container ${loadBalancer.containerName}, which the task definition does not have (it has ${names})` };
    }
    const onPort = containers.filter((c) => c.portMappings?.some((p) => p.containerPort === configuredPort));
    if (onPort.length === 1) return { container: onPort[0], port: configuredPort, how: `the only container mapping port ${configuredPort}` };
    if (onPort.length === 0 && containers.length === 1) {
        const ports = [...new Set((containers[0].portMappings ?? []).map((p) => p.containerPort))];
        return { container: containers[0], port: ports.length === 1 ? ports[0] : undefined, how: "the only container" };
    }
    const why = onPort.length
        ? `${onPort.length} containers map port ${configuredPort} (${onPort.map((c) => c.name).join(", ")})`
        : `none of its ${containers.length} containers (${names}) maps port ${configuredPort} (ecs.api.containerPort)`;
    return { problem: `the service has no load balancer to say which container is the API, and ${why}` };
}

/** Pins an ECR image's moving tag to the digest it points to now. */
async function pinnedByDigest(session: AccountSession, image: string): Promise<{ image: string; source: string } | undefined> {
    const m = ECR_IMAGE.exec(image);
    if (!m) return undefined;
    const { repository, tag } = parseImage(m[3]);
    const [registryId, region] = [m[1], m[2]];
    const ecr = new ECRClient({ ...session.clientConfig, region });
    const found = await call(
        session,
        "ecr:DescribeImages",
        () => ecr.send(new DescribeImagesCommand({ registryId, repositoryName: repository, imageIds: [{ imageTag: tag ?? "latest" }] })),
        ["ImageNotFoundException", "RepositoryNotFoundException"],
    );
    const digest = found?.imageDetails?.[0]?.imageDigest;
    if (!digest) return undefined;
    return { image: `${image.slice(0, image.length - m[3].length)}${repository}@${digest}`, source: `ecr:DescribeImages ${repository}:${tag ?? "latest"}` };
}

/** The live worker against its config: printed, not written (the worker's config is a decision, not a record). */
async function compareWorker(session: AccountSession, ecs: ECSClient, worker: Service, config: EcsConfig, d: Discovery): Promise<void> {
    const wanted = config.worker.stopped ? 0 : config.worker.desiredCount;
    if (worker.desiredCount !== wanted) {
        d.facts.push(
            `ECS worker ${worker.serviceName} wants ${worker.desiredCount} task(s); the config says ${wanted} (ecs.worker), which the first up applies`,
        );
    }
    if (!worker.taskDefinition) return;
    const described = await call(session, "ecs:DescribeTaskDefinition", () =>
        ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: worker.taskDefinition })),
    );
    const command = described?.taskDefinition?.containerDefinitions?.[0]?.command;
    if (JSON.stringify(command ?? null) !== JSON.stringify(config.worker.command ?? null)) {
        // Both commands are printed only when neither carries what looks like a secret.
        const secretLive = secretArguments(command ?? []);
        const secretConfigured = secretArguments(config.worker.command ?? []);
        if (secretLive.length || secretConfigured.length) {
            const why = [
                secretLive.length ? `the live one has ${describeSecretArguments(secretLive)}` : "",
                secretConfigured.length ? `the configured one has ${describeSecretArguments(secretConfigured)}` : "",
            ].filter(Boolean);
            d.facts.push(
                `ECS worker ${worker.serviceName} runs a command other than ecs.worker.command; neither is printed, as ${why.join(" and ")} that looks secret`,
            );
        } else {
            d.facts.push(
                `ECS worker ${worker.serviceName} runs command ${JSON.stringify(command ?? [])}; the config says ${JSON.stringify(config.worker.command ?? [])} (ecs.worker.command)`,
            );
        }
    }
}

/** Where the API container was read: the task definition (`family:revision`) and the container's name. */
interface ContainerAt {
    readonly taskDefinition: string;
    readonly container: string;
}

/** The `aws ecs describe-task-definition` command that shows `field` of the API container (`environment[].name`). */
function describeTaskDefinitionCommand(session: AccountSession, { taskDefinition, container }: ContainerAt, field: string): string {
    const profile = session.account.profile ? ` --profile ${session.account.profile}` : "";
    return (
        `aws ecs describe-task-definition --region ${session.account.region}${profile} --task-definition ${taskDefinition} ` +
        `--query 'taskDefinition.containerDefinitions[?name==\`${container}\`].${field}'`
    );
}

/**
 * The container's secrets as `ecs.api.secrets` takes them (name → ARN). A bare `valueFrom` is an
 * SSM parameter of the task's region and account (ECS reads Secrets Manager only by ARN), so it
 * becomes that parameter's ARN. A `valueFrom` naming a JSON key or version of a secret cannot be
 * expressed there and comes back in `unsupported`.
 */
export function liveSecrets(
    secrets: readonly { name?: string; valueFrom?: string }[],
    account: { readonly id: string; readonly region: string },
): { map: Record<string, string>; unsupported: { name: string; valueFrom: string }[] } {
    const map: Record<string, string> = {};
    const unsupported: { name: string; valueFrom: string }[] = [];
    for (const { name, valueFrom } of secrets) {
        if (!name || !valueFrom) continue;
        const arn = valueFrom.startsWith("arn:") ? valueFrom : `arn:aws:ssm:${account.region}:${account.id}:parameter/${valueFrom.replace(/^\//, "")}`;
        if (secretReferenceProblem(arn) === undefined) map[name] = arn;
        else unsupported.push({ name, valueFrom });
    }
    return { map, unsupported };
}

/**
 * The API container's secrets (names and `valueFrom` references; ECS never returns the values) go
 * into `ecs.api.secrets`, so the first up registers a revision that keeps them and grants the
 * execution role exactly those. A configured `secretValues.NAME` reference is a deliberate move
 * to a value the program stores: it stays.
 */
function discoverApiSecrets(session: AccountSession, config: EcsConfig, container: ContainerDefinition, at: ContainerAt, d: Discovery): void {
    const source = `ecs:DescribeTaskDefinition ${at.taskDefinition} container ${at.container}`;
    const { map, unsupported } = liveSecrets(container.secrets ?? [], session.account);
    for (const { name, valueFrom } of unsupported)
        d.checks.push({
            level: "warn",
            message: `ecs.api.secrets.${name}: the live valueFrom ${valueFrom} names a JSON key or version of a secret, which ecs.api.secrets cannot express: not copied; store that value as its own secret and add it by hand, or the new revision runs without ${name}`,
        });
    if (unsupported.length)
        d.open.push({
            key: "ecs.api.secrets",
            reason: `discover could not copy the live secret(s) ${unsupported.map((u) => u.name).join(", ")} (a JSON key or version of a secret); store each as its own secret, list it here, then run discover again`,
            confirm: describeTaskDefinitionCommand(session, at, "secrets[].name"),
        });
    const configured = config.api.secrets;
    const kept = Object.entries(map).filter(([name]) => storedSecretName(configured[name] ?? "") !== undefined);
    for (const [name] of kept) d.facts.push(`ECS API secret ${name} is read from ${map[name]} today; the config moves it to ${configured[name]} (kept)`);
    const value = { ...configured, ...map, ...Object.fromEntries(kept.map(([name]) => [name, configured[name]])) };
    if (Object.keys(value).length === 0) {
        d.confirmed.push("ecs.api.secrets");
        return;
    }
    d.changes.push({ part: "ecs", path: ["api", "secrets"], value, source: `${source} secrets` });
}

/**
 * The API service as it runs (network, load balancer, size, port, command, variables and the
 * digest behind its moving tag), whether the worker and both log groups exist, whether a
 * deployment is running, its container secrets (references only), and what the stack config has
 * no key for. A command with a secret-looking argument is never copied or printed.
 */
export async function discoverEcs(session: AccountSession, config: EcsConfig): Promise<Discovery> {
    const d = emptyDiscovery();
    const ecs = new ECSClient(session.clientConfig);
    const names = { api: config.name, worker: `${config.name}-worker` };
    const described = await call(
        session,
        "ecs:DescribeServices",
        () => ecs.send(new DescribeServicesCommand({ cluster: config.clusterName, services: [names.api, names.worker] })),
        ["ClusterNotFoundException"],
    );
    if (!described) {
        d.checks.push({ level: "fail", message: `ecs.clusterName ${config.clusterName}: no such cluster` });
        return d;
    }
    const live = (name: string) => described.services?.find((s) => s.serviceName === name && s.status !== "INACTIVE");
    const api = live(names.api);
    const worker = live(names.worker);
    const source = (name: string) => `ecs:DescribeServices ${config.clusterName}/${name}`;

    const logs = new CloudWatchLogsClient(session.clientConfig);
    const groups = await call(session, "logs:DescribeLogGroups", () => logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/ecs/${config.name}-` })));
    const logNames = new Set((groups?.logGroups ?? []).map((g) => g.logGroupName));
    const logsSource = `logs:DescribeLogGroups /ecs/${config.name}-`;
    const exists = {
        apiService: { value: api !== undefined, source: source(names.api) },
        workerService: { value: worker !== undefined, source: source(names.worker) },
        apiLogGroup: { value: logNames.has(`/ecs/${config.name}-api`), source: logsSource },
        workerLogGroup: { value: logNames.has(`/ecs/${config.name}-worker`), source: logsSource },
    };
    // Adopt exactly what exists: creating an existing service or log group fails mid-update.
    for (const [key, { value, source: from }] of Object.entries(exists)) {
        if (config.adopt[key as keyof typeof exists] !== value) d.changes.push({ part: "ecs", path: ["adopt", key], value, source: from });
        else d.confirmed.push(`ecs.adopt.${key}`);
    }

    for (const [role, service] of [
        ["API", api],
        ["worker", worker],
    ] as const) {
        if (!service) continue;
        const busy = deploymentInProgress(service);
        d.checks.push(
            busy
                ? { level: "fail", message: `ECS ${role} ${service.serviceName} is mid-deployment: ${busy}; wait for it to end before \`pulumi up\`` }
                : {
                      level: "ok",
                      message: `ECS ${role} ${service.serviceName}: ${service.runningCount}/${service.desiredCount} running, no deployment in progress`,
                  },
        );
        const capacity = service.capacityProviderStrategy ?? [];
        d.facts.push(
            `ECS ${role} ${service.serviceName} launches ${capacity.length ? `through capacity providers ${capacity.map((c) => `${c.capacityProvider} (weight ${c.weight ?? 0}, base ${c.base ?? 0})`).join(", ")}` : `with launch type ${service.launchType ?? "unknown"}`}` +
                `, deployment controller ${service.deploymentController?.type ?? "ECS"}, task definition ${service.taskDefinition?.split("/").pop()}`,
        );
        if (role === "API") {
            if (capacity.length) {
                const strategy = capacity.map((c) => ({
                    capacityProvider: c.capacityProvider!,
                    ...(c.weight !== undefined ? { weight: c.weight } : {}),
                    ...(c.base !== undefined ? { base: c.base } : {}),
                }));
                d.changes.push({ part: "ecs", path: ["api", "capacityProviderStrategy"], value: strategy, source: source(names.api) });
            } else d.confirmed.push("ecs.api.capacityProviderStrategy");
        }
    }
    if (worker) await compareWorker(session, ecs, worker, config, d);
    if (!api) {
        d.checks.push({ level: "warn", message: `ECS API ${names.api} does not exist in ${config.clusterName}; the first up creates it` });
        return d;
    }

    const network = api.networkConfiguration?.awsvpcConfiguration;
    if (network?.subnets?.length) {
        const ec2 = new EC2Client(session.clientConfig);
        const subnets = await call(session, "ec2:DescribeSubnets", () => ec2.send(new DescribeSubnetsCommand({ SubnetIds: network.subnets })));
        const vpcIds = [...new Set((subnets?.Subnets ?? []).map((s) => s.VpcId))];
        if (vpcIds.length === 1 && vpcIds[0])
            d.changes.push({ part: "ecs", path: ["vpcId"], value: vpcIds[0], source: `ec2:DescribeSubnets ${network.subnets.join(", ")}` });
        d.changes.push({ part: "ecs", path: ["subnetIds"], value: network.subnets, source: source(names.api) });
        const assignPublicIp = network.assignPublicIp === "ENABLED";
        if (assignPublicIp !== config.assignPublicIp)
            d.changes.push({ part: "ecs", path: ["assignPublicIp"], value: assignPublicIp, source: source(names.api) });
        if (network.securityGroups?.length)
            d.facts.push(
                `ECS API ${names.api} runs in security groups ${network.securityGroups.join(", ")}; the program gives both services a new tasks group`,
            );
    }
    const lb = api.loadBalancers?.find((l) => l.targetGroupArn);
    if (!lb) d.confirmed.push("ecs.api.loadBalancer");
    if (lb?.targetGroupArn) {
        d.changes.push({
            part: "ecs",
            path: ["api", "loadBalancer"],
            value: { targetGroupArn: lb.targetGroupArn, healthCheckGracePeriodSeconds: api.healthCheckGracePeriodSeconds ?? 0 },
            source: source(names.api),
        });
        d.facts.push(
            `ECS API ${names.api} is behind target group ${lb.targetGroupArn} (container ${lb.containerName}:${lb.containerPort}); set ecs.api.loadBalancer.securityGroupId to the load balancer's group by hand`,
        );
    }
    if (api.desiredCount !== undefined && api.desiredCount !== config.api.desiredCount) {
        d.facts.push(
            `ECS API ${names.api} wants ${api.desiredCount} tasks; the config says ${config.api.desiredCount} (ecs.api.desiredCount), which the first up applies`,
        );
    }

    const taskDefinition = api.taskDefinition
        ? (await call(session, "ecs:DescribeTaskDefinition", () => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: api.taskDefinition }))))
              ?.taskDefinition
        : undefined;
    if (!taskDefinition) return d;
    const revision = `${taskDefinition.family}:${taskDefinition.revision}`;
    const tdSource = `ecs:DescribeTaskDefinition ${revision}`;
    if (taskDefinition.cpu) d.changes.push({ part: "ecs", path: ["api", "cpu"], value: Number(taskDefinition.cpu), source: tdSource });
    if (taskDefinition.memory) d.changes.push({ part: "ecs", path: ["api", "memory"], value: Number(taskDefinition.memory), source: tdSource });
    if (taskDefinition.taskRoleArn) d.changes.push({ part: "ecs", path: ["api", "taskRoleArn"], value: taskDefinition.taskRoleArn, source: tdSource });
    else d.confirmed.push("ecs.api.taskRoleArn");
    const containers = taskDefinition.containerDefinitions ?? [];
    if (containers.length > 1)
        d.facts.push(`${tdSource} has ${containers.length} containers (the program builds one): the stack config has no key for the others`);
    const chosen = apiContainer(containers, config.api.containerPort, lb);
    if ("problem" in chosen) {
        d.checks.push({
            level: "fail",
            message: `ecs.api.containerName: ${tdSource}: ${chosen.problem}; set ecs.api.containerName and containerPort by hand, or attach the load balancer, then run discover again`,
        });
        return d;
    }
    const { container } = chosen;
    const at: ContainerAt = { taskDefinition: revision, container: container.name ?? "" };
    const containerSource = `${tdSource} container ${at.container}`;
    const chosenSource = `${containerSource} (${chosen.how})`;
    if (chosen.port) d.changes.push({ part: "ecs", path: ["api", "containerPort"], value: chosen.port, source: chosenSource });
    else
        d.open.push({
            key: "ecs.api.containerPort",
            reason: `the live container ${at.container} maps ${(container.portMappings ?? []).map((p) => p.containerPort).join(", ") || "no port"} and no load balancer says which one the API serves on; set ecs.api.containerPort by hand`,
            confirm: describeTaskDefinitionCommand(session, at, "portMappings[].containerPort"),
        });
    if (container.command?.length) {
        const secret = secretArguments(container.command);
        if (secret.length) {
            d.checks.push({
                level: "warn",
                message: `ecs.api.command: the live command (${tdSource} container ${at.container}) is not copied: ${describeSecretArguments(secret)} looks secret; move the value to ecs.api.secrets and set ecs.api.command by hand before \`pulumi up\`, or the new revision runs without it`,
            });
            d.open.push({
                key: "ecs.api.command",
                reason: `discover did not copy the live command: ${describeSecretArguments(secret)} looks secret; set ecs.api.command by hand without the secret`,
                confirm: describeTaskDefinitionCommand(session, at, "command"),
            });
        } else d.changes.push({ part: "ecs", path: ["api", "command"], value: container.command, source: containerSource });
    }

    const plain: Record<string, string> = {};
    const leftOut: string[] = [];
    for (const { name, value } of container.environment ?? []) {
        if (!name) continue;
        if (name in config.api.secrets) continue; // moved to a secret reference already
        if (looksSecret(name, value ?? "")) {
            leftOut.push(name);
            d.secretsToCreate.push({ part: "ecs", secretsPath: ["api", "secrets"], name, source: `${containerSource} environment` });
        } else plain[name] = value ?? "";
    }
    d.changes.push({ part: "ecs", path: ["api", "env"], value: { ...config.api.env, ...plain }, source: `${containerSource} environment` });
    if (leftOut.length)
        d.open.push({
            key: "ecs.api.env",
            reason: `discover left out the live variable(s) ${leftOut.sort().join(", ")}, which look secret: store each in Secrets Manager, list its ARN under ecs.api.secrets, then run discover again`,
            confirm: describeTaskDefinitionCommand(session, at, "environment[].name"),
        });
    if (container.name) d.changes.push({ part: "ecs", path: ["api", "containerName"], value: container.name, source: chosenSource });
    const streamPrefix = container.logConfiguration?.options?.["awslogs-stream-prefix"];
    if (streamPrefix) d.changes.push({ part: "ecs", path: ["api", "logStreamPrefix"], value: streamPrefix, source: containerSource });
    discoverApiSecrets(session, config, container, at, d);

    if (container.image) {
        const reason = unpinnedImageReason(container.image);
        if (!reason) {
            if (isPlaceholder(config.api.image))
                d.changes.push({ part: "ecs", path: ["api", "image"], value: container.image, source: `${tdSource} container ${container.name}` });
        } else if (isPlaceholder(config.api.image)) {
            const pinned = await pinnedByDigest(session, container.image);
            if (pinned) d.changes.push({ part: "ecs", path: ["api", "image"], value: pinned.image, source: `${pinned.source} (running in ${tdSource})` });
            else
                d.checks.push({
                    level: "fail",
                    message: `ecs.api.image: the live image ${container.image} is not pinned and its digest was not found in ECR; pin it by hand`,
                });
        }
    }
    return d;
}

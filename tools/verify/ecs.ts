import { ContainerDefinition, DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, Service, TaskDefinition } from "@aws-sdk/client-ecs";
import { EcsConfig } from "../../config/schema";
import { unpinnedImageReason } from "../../policies/lib/images";
import { AccountSession, call } from "../discover/aws";
import { awsCommand, fail, nameDifference, ok, skip, VerifyCheck } from "./checks";

export interface EcsLive {
    readonly clusterFound: boolean;
    /** Active services by name. */
    readonly services: Readonly<Record<string, Service>>;
    /** Task definitions by ARN: those of the services' primary deployments. */
    readonly taskDefinitions: Readonly<Record<string, TaskDefinition>>;
}

type Role = "api" | "worker";

/** The services the stage claims: `adopt` those it imports, `harden` both (it creates a missing worker). */
export function claimedServices(config: EcsConfig): { role: Role; name: string }[] {
    const all = [
        { role: "api" as const, name: config.name, adopted: config.adopt.apiService },
        { role: "worker" as const, name: `${config.name}-worker`, adopted: config.adopt.workerService },
    ];
    return all.filter((s) => config.stage === "harden" || s.adopted).map(({ role, name }) => ({ role, name }));
}

const revision = (arn: string | undefined) => arn?.split("/").pop() ?? "unknown";

/** A rolled-back or unfinished deployment, or undefined when the primary one is COMPLETED and alone. */
function deploymentProblem(service: Service): string | undefined {
    const deployments = service.deployments ?? [];
    const primary = deployments.find((d) => d.status === "PRIMARY");
    const failed = deployments.find((d) => d.rolloutState === "FAILED");
    const rollingBack = /circuit breaker/i.test(primary?.rolloutStateReason ?? "");
    if (failed || rollingBack) {
        const what = failed ? `deployment ${failed.id} (${revision(failed.taskDefinition)}) FAILED: ${failed.rolloutStateReason ?? "no reason given"}` : "";
        const back = rollingBack ? `primary deployment ${primary!.id} (${revision(primary!.taskDefinition)}): ${primary!.rolloutStateReason}` : "";
        return `circuit-breaker rollback: ${[what, back].filter(Boolean).join("; ")}`;
    }
    if (!primary) return "no PRIMARY deployment";
    if (primary.rolloutState !== "COMPLETED")
        return `primary deployment ${primary.id} (${revision(primary.taskDefinition)}) is ${primary.rolloutState ?? "without a rollout state"}, not COMPLETED (${primary.runningCount ?? 0}/${primary.desiredCount ?? 0} running)`;
    if (deployments.length > 1)
        return `${deployments.length} deployments are active (${deployments.map((d) => `${d.status} ${revision(d.taskDefinition)}`).join(", ")})`;
    return undefined;
}

interface Field {
    readonly name: string;
    readonly live: unknown;
    readonly stack: unknown;
}

/** What the stack's task definition for `role` holds (components/ecsWorker.ts), against the one the primary deployment runs. */
function taskDefinitionFields(config: EcsConfig, role: Role, td: TaskDefinition): { fields: Field[]; container?: ContainerDefinition } {
    const spec = role === "api" ? config.api : { ...config.worker, image: config.worker.image ?? config.api.image };
    const containerName = spec.containerName ?? role;
    const container = td.containerDefinitions?.find((c) => c.name === containerName);
    const family = role === "api" ? config.name : `${config.name}-worker`;
    const fields: Field[] = [
        { name: "family", live: td.family, stack: family },
        { name: "container name", live: container?.name ?? (td.containerDefinitions ?? []).map((c) => c.name).join(", "), stack: containerName },
    ];
    if (!container) return { fields };
    fields.push(
        { name: "image", live: container.image, stack: spec.image },
        { name: "cpu", live: td.cpu, stack: String(spec.cpu) },
        { name: "memory", live: td.memory, stack: String(spec.memory) },
    );
    if (role === "api") fields.push({ name: "container port", live: container.portMappings?.[0]?.containerPort, stack: config.api.containerPort });
    if (spec.command) fields.push({ name: "command", live: container.command, stack: spec.command });
    return { fields, container };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const text = (value: unknown) => (value === undefined ? "(unset)" : JSON.stringify(value));

/**
 * Each claimed service: its primary deployment COMPLETED, alone, not a circuit-breaker rollback (named with
 * the deployment id and reason), and running equal to desired. At `harden` also: the primary deployment runs
 * the stack's task definition (family, container, image, size, port, command, variable and secret names),
 * every image pinned, the desired count the stack sets (the worker at 0 when stopped), and a circuit
 * breaker that rolls back. Pure: the tests give it ECS's shapes.
 */
export function evaluateEcs(session: AccountSession, config: EcsConfig, live: EcsLive): VerifyCheck[] {
    const describe = (service: string, query: string) =>
        awsCommand(session, "ecs", "describe-services", `--cluster ${config.clusterName} --services ${service} --query 'services[0].${query}'`);
    if (!live.clusterFound)
        return [
            fail(
                "ecs",
                `cluster ${config.clusterName} (ecs.clusterName) does not exist`,
                awsCommand(session, "ecs", "describe-clusters", `--clusters ${config.clusterName}`),
            ),
        ];
    const claimed = claimedServices(config);
    if (claimed.length === 0) return [skip("ecs", `stage ${config.stage} adopts no service (ecs.adopt.apiService and workerService are false)`)];
    const checks: VerifyCheck[] = [];
    for (const { role, name } of claimed) {
        const label = `ECS ${role} ${name}`;
        const service = live.services[name];
        if (!service) {
            checks.push(fail("ecs", `${label} does not exist in ${config.clusterName}`, describe(name, "[serviceName,status]")));
            continue;
        }
        const problem = deploymentProblem(service);
        const primary = service.deployments?.find((d) => d.status === "PRIMARY");
        checks.push(
            problem || !primary
                ? fail("ecs", `${label}: ${problem}`, describe(name, "deployments"))
                : ok("ecs", `${label}: primary deployment ${primary.id} COMPLETED with ${revision(primary.taskDefinition)}`, describe(name, "deployments")),
        );
        const counts = `${service.runningCount ?? 0}/${service.desiredCount ?? 0} running`;
        checks.push(
            service.runningCount === service.desiredCount
                ? ok("ecs", `${label}: ${counts}`, describe(name, "[runningCount,desiredCount]"))
                : fail("ecs", `${label}: ${counts}; running must equal desired`, describe(name, "[runningCount,desiredCount]")),
        );
        if (config.stage !== "harden") continue;

        const wanted = role === "api" ? config.api.desiredCount : config.worker.stopped ? 0 : config.worker.desiredCount;
        const why = role === "worker" && config.worker.stopped ? " (ecs.worker.stopped)" : "";
        checks.push(
            service.desiredCount === wanted
                ? ok("ecs", `${label}: desired count ${wanted}${why}`, describe(name, "desiredCount"))
                : fail("ecs", `${label}: desired count live ${service.desiredCount}, stack ${wanted}${why}`, describe(name, "desiredCount")),
        );
        const breaker = service.deploymentConfiguration?.deploymentCircuitBreaker;
        checks.push(
            breaker?.enable && breaker.rollback
                ? ok("ecs", `${label}: circuit breaker on, with rollback`, describe(name, "deploymentConfiguration"))
                : fail(
                      "ecs",
                      `${label}: circuit breaker ${text(breaker ?? null)}; the stack sets enable and rollback`,
                      describe(name, "deploymentConfiguration"),
                  ),
        );
        const arn = primary?.taskDefinition;
        const td = arn ? live.taskDefinitions[arn] : undefined;
        const tdCommand = awsCommand(
            session,
            "ecs",
            "describe-task-definition",
            `--task-definition ${arn ?? "<arn>"} --query 'taskDefinition.{family: family, cpu: cpu, memory: memory, containers: containerDefinitions[].{name: name, image: image, command: command, ports: portMappings, environment: environment[].name, secrets: secrets[].name}}'`,
        );
        if (!td) {
            checks.push(fail("ecs", `${label}: the primary deployment's task definition ${arn ?? "(none)"} could not be read`, tdCommand));
            continue;
        }
        const { fields, container } = taskDefinitionFields(config, role, td);
        const spec = role === "api" ? config.api : config.worker;
        const where = `${label} task definition ${revision(arn)} (deployment ${primary!.id})`;
        for (const field of fields) {
            checks.push(
                same(field.live, field.stack)
                    ? ok("ecs", `${where} ${field.name}: ${text(field.live)}`, tdCommand)
                    : fail("ecs", `${where} ${field.name}: live ${text(field.live)}, stack ${text(field.stack)}`, tdCommand),
            );
        }
        if (container) {
            for (const [what, liveNames, stackNames] of [
                ["variable names", (container.environment ?? []).map((e) => e.name ?? ""), Object.keys(spec.env)],
                ["secret names", (container.secrets ?? []).map((s) => s.name ?? ""), Object.keys(spec.secrets)],
            ] as const) {
                const difference = nameDifference(stackNames, liveNames);
                checks.push(
                    difference
                        ? fail("ecs", `${where} ${what}: ${difference} (values not shown)`, tdCommand)
                        : ok("ecs", `${where} ${what}: ${stackNames.length ? [...stackNames].sort().join(", ") : "none"}`, tdCommand),
                );
            }
        }
        const unpinned = (td.containerDefinitions ?? []).map((c) => ({ name: c.name, reason: unpinnedImageReason(c.image) })).filter((c) => c.reason);
        checks.push(
            unpinned.length
                ? fail("ecs", `${where}: ${unpinned.map((c) => `container ${c.name}: ${c.reason}`).join("; ")}`, tdCommand)
                : ok("ecs", `${where}: every image pinned`, tdCommand),
        );
    }
    if (config.stage !== "harden")
        checks.push(skip("ecs", "task definitions, desired counts, circuit breakers and image pins: stage adopt keeps them as they run (harden sets them)"));
    return checks;
}

/** Reads the claimed services and their primary deployments' task definitions (read-only). */
export async function readEcs(session: AccountSession, config: EcsConfig): Promise<EcsLive> {
    const ecs = new ECSClient(session.clientConfig);
    const names = claimedServices(config).map((s) => s.name);
    if (names.length === 0) return { clusterFound: true, services: {}, taskDefinitions: {} };
    const described = await call(
        session,
        "ecs:DescribeServices",
        () => ecs.send(new DescribeServicesCommand({ cluster: config.clusterName, services: names })),
        ["ClusterNotFoundException"],
    );
    if (!described) return { clusterFound: false, services: {}, taskDefinitions: {} };
    const services = Object.fromEntries((described.services ?? []).filter((s) => s.status === "ACTIVE" && s.serviceName).map((s) => [s.serviceName!, s]));
    const taskDefinitions: Record<string, TaskDefinition> = {};
    if (config.stage === "harden") {
        for (const service of Object.values(services)) {
            const arn = service.deployments?.find((d) => d.status === "PRIMARY")?.taskDefinition;
            if (!arn || taskDefinitions[arn]) continue;
            const td = (await call(session, "ecs:DescribeTaskDefinition", () => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))))
                ?.taskDefinition;
            if (td) taskDefinitions[arn] = td;
        }
    }
    return { clusterFound: true, services, taskDefinitions };
}

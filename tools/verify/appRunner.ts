import {
    AppRunnerClient,
    DescribeServiceCommand,
    ListOperationsCommand,
    ListServicesCommand,
    ListVpcConnectorsCommand,
    OperationSummary,
    Service,
    VpcConnector,
} from "@aws-sdk/client-apprunner";
import { AppRunnerConfig } from "../../config/schema";
import { storedSecretName } from "../../config/secretValues";
import { instanceSizeForApi, parseCpu, parseMemory } from "../../policies/lib/appRunnerLimits";
import { AccountSession, call } from "../discover/aws";
import { awsCommand, fail, nameDifference, ok, skip, VerifyCheck } from "./checks";

/** The plain variable the program adds when it stores secret values (components/appRunnerService.ts; a test keeps them equal). */
export const STORED_VALUES_REVISION = "STORED_VALUES_REVISION";

const IN_PROGRESS = new Set(["PENDING", "IN_PROGRESS", "ROLLBACK_IN_PROGRESS"]);

export interface AppRunnerLive {
    /** The newest ACTIVE connector named `connectorName`. */
    readonly connector?: VpcConnector;
    /** Every ACTIVE connector, for resolving the one the service names. */
    readonly connectors: readonly VpcConnector[];
    readonly serviceArn?: string;
    readonly service?: Service;
    /** Newest first, as ListOperations returns them. */
    readonly operations: readonly OperationSummary[];
}

interface Field {
    readonly name: string;
    readonly live: unknown;
    readonly stack: unknown;
    /** JMESPath under `Service` for the command that shows the live value. */
    readonly query: string;
    readonly same?: (live: unknown, stack: unknown) => boolean;
}

const text = (value: unknown) => (value === undefined ? "(unset)" : JSON.stringify(value));

/** What the stack declares of the service at `harden`, with the defaults components/appRunnerService.ts applies. */
function hardenedFields(config: AppRunnerConfig, service: Service): Field[] {
    const hc = config.service.healthCheck;
    const protocol = hc.protocol ?? "HTTP";
    const live = service.HealthCheckConfiguration ?? {};
    const size = instanceSizeForApi(config.service.cpu, config.service.memory);
    const fields: Field[] = [
        { name: "health check protocol", live: live.Protocol, stack: protocol, query: "HealthCheckConfiguration" },
        { name: "health check interval", live: live.Interval, stack: hc.interval ?? 5, query: "HealthCheckConfiguration" },
        { name: "health check timeout", live: live.Timeout, stack: hc.timeout ?? 2, query: "HealthCheckConfiguration" },
        { name: "health check healthy threshold", live: live.HealthyThreshold, stack: hc.healthyThreshold ?? 1, query: "HealthCheckConfiguration" },
        { name: "health check unhealthy threshold", live: live.UnhealthyThreshold, stack: hc.unhealthyThreshold ?? 5, query: "HealthCheckConfiguration" },
        {
            name: "instance CPU",
            live: service.InstanceConfiguration?.Cpu,
            stack: size.cpu,
            query: "InstanceConfiguration",
            same: (a, b) => parseCpu(a) !== undefined && parseCpu(a) === parseCpu(b),
        },
        {
            name: "instance memory",
            live: service.InstanceConfiguration?.Memory,
            stack: size.memory,
            query: "InstanceConfiguration",
            same: (a, b) => parseMemory(a) !== undefined && parseMemory(a) === parseMemory(b),
        },
    ];
    if (protocol === "HTTP") fields.splice(1, 0, { name: "health check path", live: live.Path, stack: hc.path ?? "/", query: "HealthCheckConfiguration" });
    return fields;
}

function latestOperationText(operation: OperationSummary | undefined): string {
    return operation ? `latest operation ${operation.Id} (${operation.Type}) ${operation.Status}` : "no operation listed";
}

/**
 * The App Runner service against what the part's stage claims. Every stage: it is RUNNING, no operation is
 * in progress, its egress is VPC through the connector, whose subnets are the stack's. `adopt` adds its ARN,
 * image and port; `harden` (which deploys the service) adds a latest operation that SUCCEEDED (pulumi-aws
 * reports success when a deployment rolls back), the health check, the instance size and the variable
 * names. Pure: the tests give it App Runner's shapes.
 */
export function evaluateAppRunner(session: AccountSession, config: AppRunnerConfig, live: AppRunnerLive): VerifyCheck[] {
    const checks: VerifyCheck[] = [];
    const name = config.service.name;
    const stage = config.stage;
    const connectorsCommand = awsCommand(session, "apprunner", "list-vpc-connectors", "");
    const expectedConnectorArn = stage === "egress" ? live.connector?.VpcConnectorArn : (config.adopt.connectorArn ?? live.connector?.VpcConnectorArn);
    const connector = live.connectors.find((c) => c.VpcConnectorArn === expectedConnectorArn);
    if (!expectedConnectorArn || !connector) {
        checks.push(
            fail(
                "appRunner",
                `VPC connector ${expectedConnectorArn ?? config.connectorName}: no ACTIVE connector of that ${expectedConnectorArn ? "ARN" : "name"}`,
                connectorsCommand.trimEnd(),
            ),
        );
    } else {
        const subnets = connector.Subnets ?? [];
        const claimed = config.network.connectorSubnetIds;
        const difference = claimed ? nameDifference(claimed, subnets) : undefined;
        const groups = connector.SecurityGroups ?? [];
        const claimedGroup = stage === "egress" ? undefined : config.adopt.connectorSecurityGroupId;
        if (difference)
            checks.push(
                fail(
                    "appRunner",
                    `connector ${connector.VpcConnectorName} subnets: ${difference} against appRunner.network.connectorSubnetIds`,
                    connectorsCommand.trimEnd(),
                ),
            );
        else if (claimedGroup && (groups.length !== 1 || groups[0] !== claimedGroup))
            checks.push(
                fail(
                    "appRunner",
                    `connector ${connector.VpcConnectorName} security groups: live ${groups.join(", ") || "none"}, stack ${claimedGroup}`,
                    connectorsCommand.trimEnd(),
                ),
            );
        else
            checks.push(
                ok("appRunner", `connector ${connector.VpcConnectorName} revision ${connector.VpcConnectorRevision} is ACTIVE in ${subnets.join(", ")}`),
            );
    }

    const service = live.service;
    if (!service || !live.serviceArn) {
        checks.push(fail("appRunner", `service ${name} (appRunner.service.name) does not exist`, awsCommand(session, "apprunner", "list-services", "")));
        return checks;
    }
    const describe = (query: string) => awsCommand(session, "apprunner", "describe-service", `--service-arn ${live.serviceArn} --query 'Service.${query}'`);
    const latest = live.operations[0];
    const operationsCommand = awsCommand(session, "apprunner", "list-operations", `--service-arn ${live.serviceArn} --max-results 5`);
    if (service.Status !== "RUNNING")
        checks.push(fail("appRunner", `service ${name} is ${service.Status}, not RUNNING (${latestOperationText(latest)})`, describe("Status")));
    if (latest && IN_PROGRESS.has(latest.Status ?? "")) {
        checks.push(fail("appRunner", `service ${name} is mid-operation: ${latestOperationText(latest)}; verify again when it ends`, operationsCommand));
    } else if (stage === "harden") {
        checks.push(
            latest?.Status === "SUCCEEDED"
                ? ok("appRunner", `service ${name}: ${latestOperationText(latest)}`, operationsCommand)
                : fail(
                      "appRunner",
                      `service ${name}: ${latestOperationText(latest)}; the running configuration is not the one deployed last`,
                      operationsCommand,
                  ),
        );
    } else {
        checks.push(ok("appRunner", `service ${name}: ${latestOperationText(latest)}; stage ${stage} deploys nothing to the service`, operationsCommand));
    }

    const egress = service.NetworkConfiguration?.EgressConfiguration;
    const image = service.SourceConfiguration?.ImageRepository;
    const fields: Field[] = [
        { name: "egress type", live: egress?.EgressType, stack: "VPC", query: "NetworkConfiguration.EgressConfiguration" },
        { name: "egress connector", live: egress?.VpcConnectorArn, stack: expectedConnectorArn, query: "NetworkConfiguration.EgressConfiguration" },
    ];
    if (stage !== "egress") {
        if (config.adopt.serviceArn) fields.push({ name: "service ARN", live: live.serviceArn, stack: config.adopt.serviceArn, query: "ServiceArn" });
        fields.push(
            { name: "image", live: image?.ImageIdentifier, stack: config.service.image, query: "SourceConfiguration.ImageRepository.ImageIdentifier" },
            {
                name: "port",
                live: image?.ImageConfiguration?.Port,
                stack: String(config.service.port),
                query: "SourceConfiguration.ImageRepository.ImageConfiguration.Port",
            },
        );
    }
    if (stage === "harden") fields.push(...hardenedFields(config, service));
    for (const field of fields) {
        const same = field.same ? field.same(field.live, field.stack) : field.live === field.stack;
        checks.push(
            same
                ? ok("appRunner", `service ${name} ${field.name}: ${text(field.live)}`, describe(field.query))
                : fail(
                      "appRunner",
                      `service ${name} ${field.name}: live ${text(field.live)}, stack ${text(field.stack)} (${latestOperationText(latest)})`,
                      describe(field.query),
                  ),
        );
    }

    if (stage !== "harden") {
        checks.push(skip("appRunner", `service ${name} health check, size and variables: stage ${stage} keeps them as they run (harden sets them)`));
        return checks;
    }
    const secrets = config.service.secrets;
    const stored = Object.values(secrets).some((reference) => storedSecretName(reference) !== undefined);
    const variableSets = [
        {
            what: "variable names",
            key: "RuntimeEnvironmentVariables",
            stack: [...Object.keys(config.service.env), ...(stored ? [STORED_VALUES_REVISION] : [])],
        },
        { what: "secret names", key: "RuntimeEnvironmentSecrets", stack: Object.keys(secrets) },
    ] as const;
    for (const { what, key, stack } of variableSets) {
        const liveNames = Object.keys(image?.ImageConfiguration?.[key] ?? {});
        const command = describe(`keys(SourceConfiguration.ImageRepository.ImageConfiguration.${key} || \`{}\`)`);
        const difference = nameDifference(stack, liveNames);
        checks.push(
            difference
                ? fail("appRunner", `service ${name} ${what}: ${difference} (values not shown; ${latestOperationText(latest)})`, command)
                : ok("appRunner", `service ${name} ${what}: ${stack.length ? [...stack].sort().join(", ") : "none"}`, command),
        );
    }
    return checks;
}

async function allPages<T>(fetch: (token: string | undefined) => Promise<{ items: T[]; next?: string } | undefined>): Promise<T[]> {
    const found: T[] = [];
    let token: string | undefined;
    do {
        const page = await fetch(token);
        found.push(...(page?.items ?? []));
        token = page?.next;
    } while (token);
    return found;
}

/** Reads the connectors, the service named in the config, and its latest operations (read-only). */
export async function readAppRunner(session: AccountSession, config: AppRunnerConfig): Promise<AppRunnerLive> {
    const client = new AppRunnerClient(session.clientConfig);
    const connectors = (
        await allPages(async (token) => {
            const page = await call(session, "apprunner:ListVpcConnectors", () => client.send(new ListVpcConnectorsCommand({ NextToken: token })));
            return { items: page?.VpcConnectors ?? [], next: page?.NextToken };
        })
    ).filter((c) => c.Status === "ACTIVE");
    const connector = connectors
        .filter((c) => c.VpcConnectorName === config.connectorName)
        .sort((a, b) => (b.VpcConnectorRevision ?? 0) - (a.VpcConnectorRevision ?? 0))[0];
    const summaries = await allPages(async (token) => {
        const page = await call(session, "apprunner:ListServices", () => client.send(new ListServicesCommand({ NextToken: token })));
        return { items: page?.ServiceSummaryList ?? [], next: page?.NextToken };
    });
    const serviceArn = summaries.find((s) => s.ServiceName === config.service.name)?.ServiceArn;
    if (!serviceArn) return { connector, connectors, operations: [] };
    const service = (await call(session, "apprunner:DescribeService", () => client.send(new DescribeServiceCommand({ ServiceArn: serviceArn }))))?.Service;
    const operations =
        (await call(session, "apprunner:ListOperations", () => client.send(new ListOperationsCommand({ ServiceArn: serviceArn, MaxResults: 5 }))))
            ?.OperationSummaryList ?? [];
    return { connector, connectors, serviceArn, service, operations };
}

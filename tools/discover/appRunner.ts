import {
    AppRunnerClient,
    DescribeServiceCommand,
    ListOperationsCommand,
    ListServicesCommand,
    ListVpcConnectorsCommand,
    ServiceSummary,
    VpcConnector,
} from "@aws-sdk/client-apprunner";
import { AppRunnerConfig } from "../../config/schema";
import { AccountSession, call } from "./aws";
import { Discovery, emptyDiscovery } from "./findings";
import { looksSecret } from "./secretLooking";

const BUSY_OPERATION = new Set(["PENDING", "IN_PROGRESS", "ROLLBACK_IN_PROGRESS"]);

/** The live service and connector as read, for the other readers (network, data stores). */
export interface AppRunnerLive {
    readonly connectorSubnetIds?: string[];
    readonly connectorSecurityGroupId?: string;
    /** Plain runtime variables of the live service, secret-looking ones included (never printed). */
    readonly env: Record<string, string>;
}

async function allServices(session: AccountSession, client: AppRunnerClient): Promise<ServiceSummary[]> {
    const found: ServiceSummary[] = [];
    let token: string | undefined;
    do {
        const page = await call(session, "apprunner:ListServices", () => client.send(new ListServicesCommand({ NextToken: token })));
        found.push(...(page?.ServiceSummaryList ?? []));
        token = page?.NextToken;
    } while (token);
    return found;
}

async function activeConnectors(session: AccountSession, client: AppRunnerClient, name: string): Promise<VpcConnector[]> {
    const found: VpcConnector[] = [];
    let token: string | undefined;
    do {
        const page = await call(session, "apprunner:ListVpcConnectors", () => client.send(new ListVpcConnectorsCommand({ NextToken: token })));
        found.push(...(page?.VpcConnectors ?? []).filter((c) => c.VpcConnectorName === name && c.Status === "ACTIVE"));
        token = page?.NextToken;
    } while (token);
    return found.sort((a, b) => (a.VpcConnectorRevision ?? 0) - (b.VpcConnectorRevision ?? 0));
}

/**
 * The connector revision to adopt: the one the service's egress uses. The API lets revisions of
 * one name be ACTIVE side by side (AWS's VpcConnector reference; it says App Runner supports one
 * per name "at this time"), so the highest is not necessarily the one running. A lone revision
 * is taken when the service uses none of them; several are refused.
 */
export function connectorInUse(active: readonly VpcConnector[], serviceConnectorArn: string | undefined): { connector: VpcConnector } | { problem: string } {
    const used = active.find((c) => c.VpcConnectorArn === serviceConnectorArn);
    if (used) return { connector: used };
    if (active.length === 1) return { connector: active[0] };
    if (active.length === 0) return { problem: "no ACTIVE connector of that name" };
    const revisions = active.map((c) => `revision ${c.VpcConnectorRevision} ${c.VpcConnectorArn}`).join(", ");
    return {
        problem: `${active.length} ACTIVE revisions (${revisions}) and the service's egress uses none of them, so discover cannot tell which to adopt; set appRunner.adopt.connectorArn by hand`,
    };
}

/**
 * The App Runner service and its VPC connector, found by name: their ARNs (which the seeds
 * disagree on), the connector's subnets and group, the runtime variables (secret-looking ones
 * are named, never copied), and whether an operation is running now.
 */
export async function discoverAppRunner(session: AccountSession, config: AppRunnerConfig): Promise<{ discovery: Discovery; live: AppRunnerLive }> {
    const d = emptyDiscovery();
    const client = new AppRunnerClient(session.clientConfig);
    const live: { connectorSubnetIds?: string[]; connectorSecurityGroupId?: string; env: Record<string, string> } = { env: {} };

    const summary = (await allServices(session, client)).find((s) => s.ServiceName === config.service.name);
    const arn = summary?.ServiceArn;
    const described = arn ? await call(session, "apprunner:DescribeService", () => client.send(new DescribeServiceCommand({ ServiceArn: arn }))) : undefined;
    const service = described?.Service;
    const egress = service?.NetworkConfiguration?.EgressConfiguration;

    const chosen = connectorInUse(await activeConnectors(session, client, config.connectorName), egress?.VpcConnectorArn);
    const connector = "connector" in chosen ? chosen.connector : undefined;
    if (!connector?.VpcConnectorArn) {
        d.checks.push({
            level: "fail",
            message: `App Runner VPC connector ${config.connectorName} (appRunner.connectorName): ${"problem" in chosen ? chosen.problem : "no ARN"}`,
        });
    } else {
        const how = connector.VpcConnectorArn === egress?.VpcConnectorArn ? `, which ${config.service.name} uses` : "";
        const source = `apprunner:ListVpcConnectors ${config.connectorName} revision ${connector.VpcConnectorRevision}${how}`;
        d.changes.push({ part: "appRunner", path: ["adopt", "connectorArn"], value: connector.VpcConnectorArn, source });
        live.connectorSubnetIds = connector.Subnets ?? [];
        d.changes.push({ part: "appRunner", path: ["network", "connectorSubnetIds"], value: live.connectorSubnetIds, source });
        const groups = connector.SecurityGroups ?? [];
        if (groups.length === 1) {
            live.connectorSecurityGroupId = groups[0];
            d.changes.push({ part: "appRunner", path: ["adopt", "connectorSecurityGroupId"], value: groups[0], source });
        } else {
            d.checks.push({
                level: "warn",
                message: `connector ${config.connectorName} has ${groups.length} security groups (${groups.join(", ")}); the program adopts one`,
            });
        }
    }

    if (!arn) {
        d.checks.push({ level: "fail", message: `App Runner service ${config.service.name} (appRunner.service.name): not found` });
        return { discovery: d, live };
    }
    d.changes.push({ part: "appRunner", path: ["adopt", "serviceArn"], value: arn, source: `apprunner:ListServices ${config.service.name}` });
    const operations = await call(session, "apprunner:ListOperations", () => client.send(new ListOperationsCommand({ ServiceArn: arn, MaxResults: 5 })));
    const busy = (operations?.OperationSummaryList ?? []).find((o) => o.Status && BUSY_OPERATION.has(o.Status));
    if (service?.Status === "OPERATION_IN_PROGRESS" || busy) {
        const what = busy ? `operation ${busy.Id} (${busy.Type}) is ${busy.Status}` : "status OPERATION_IN_PROGRESS";
        d.checks.push({ level: "fail", message: `App Runner ${config.service.name} is mid-operation: ${what}; wait for it to end before \`pulumi up\`` });
    } else {
        d.checks.push({ level: "ok", message: `App Runner ${config.service.name} is ${service?.Status ?? "in an unknown state"}, no operation running` });
    }
    if (egress?.EgressType !== "VPC" || (connector?.VpcConnectorArn && egress.VpcConnectorArn !== connector.VpcConnectorArn)) {
        d.facts.push(
            `App Runner ${config.service.name} egress is ${egress?.EgressType ?? "unknown"}${egress?.VpcConnectorArn ? ` via ${egress.VpcConnectorArn}` : ""}; the program sets VPC egress through ${config.connectorName}`,
        );
    }

    const image = service?.SourceConfiguration?.ImageRepository;
    const variables = image?.ImageConfiguration?.RuntimeEnvironmentVariables ?? {};
    live.env = { ...variables };
    const envSource = `apprunner:DescribeService ${config.service.name} RuntimeEnvironmentVariables`;
    const plain: Record<string, string> = {};
    for (const [name, value] of Object.entries(variables)) {
        if (name in config.service.secrets) continue; // already a secret reference; resolved by the secrets reader
        if (looksSecret(name, value)) {
            d.secretsToCreate.push({ part: "appRunner", secretsPath: ["service", "secrets"], name, source: envSource });
        } else plain[name] = value;
    }
    const configOnly = Object.keys(config.service.env).filter((k) => !(k in variables));
    const env = { ...plain, ...Object.fromEntries(configOnly.map((k) => [k, config.service.env[k]])) };
    d.changes.push({ part: "appRunner", path: ["service", "env"], value: env, source: envSource });
    for (const name of configOnly) d.facts.push(`appRunner.service.env.${name} is in the config but not on the live service; the first up adds it`);
    const leftOut = d.secretsToCreate.map((s) => s.name).sort();
    if (leftOut.length)
        d.open.push({
            key: "appRunner.service.env",
            reason: `discover left out the live variable(s) ${leftOut.join(", ")}, which look secret: create a Secrets Manager secret for each, list it under appRunner.service.secrets, then run discover again`,
            confirm: `aws apprunner describe-service --region ${session.account.region} --service-arn ${arn} --query 'keys(Service.SourceConfiguration.ImageRepository.ImageConfiguration.RuntimeEnvironmentVariables)'`,
        });
    for (const [name, arnOrValue] of Object.entries(image?.ImageConfiguration?.RuntimeEnvironmentSecrets ?? {})) {
        if (!(name in config.service.secrets)) {
            d.changes.push({
                part: "appRunner",
                path: ["service", "secrets", name],
                value: arnOrValue,
                source: `apprunner:DescribeService ${config.service.name} RuntimeEnvironmentSecrets`,
            });
        }
    }
    if (image?.ImageIdentifier && image.ImageIdentifier !== config.service.image) {
        d.facts.push(`App Runner ${config.service.name} runs ${image.ImageIdentifier}; the config deploys ${config.service.image}`);
    }
    return { discovery: d, live };
}

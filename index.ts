import * as pulumi from "@pulumi/pulumi";
import { AppRunnerService } from "./components/appRunnerService";
import { DataStoreAccess } from "./components/dataStoreAccess";
import { EcsWorker } from "./components/ecsWorker";
import { partOptions, PartMode } from "./components/adopt";
import { accountProvider } from "./components/providers";
import { secretStoreFor, splitSecrets } from "./components/secretStore";
import { VpcEgress } from "./components/vpcEgress";
import { asRunError, loadStackConfig } from "./config/load";
import { StackConfig } from "./config/schema";
import { partFromEnvironment, PartVariableError } from "./config/stages";
import { gateUnconfirmed, unconfirmedByStage } from "./config/unconfirmed";

function loadOrStop(): StackConfig {
    try {
        return loadStackConfig();
    } catch (error) {
        return asRunError(error);
    }
}

const config = loadOrStop();
function partOrStop(): ReturnType<typeof partFromEnvironment> {
    try {
        return partFromEnvironment(process.env);
    } catch (error) {
        if (error instanceof PartVariableError) throw new pulumi.RunError(error.message);
        throw error;
    }
}
const onlyPart = partOrStop();
const staged = unconfirmedByStage(config, undefined, onlyPart);
gateUnconfirmed(staged.now, { preview: pulumi.runtime.isDryRun(), warn: (message) => void pulumi.log.warn(message) });
for (const part of ["appRunner", "ecs"] as const) {
    const settings = config[part];
    if (settings?.decommission) {
        void pulumi.log.warn(
            settings.enabled
                ? `${part}.decommission is set: its resources are unprotected and kept in AWS on delete; after this update, set ${part}.enabled: false`
                : `${part} is decommissioned: its resources leave the stack's state and stay in AWS, provided an earlier update ran with ${part}.decommission: true while enabled (the engine refuses to delete what is still protected)`,
        );
    }
}
const appRunner = config.appRunner?.enabled ? config.appRunner : undefined;
const ecs = config.ecs?.enabled ? config.ecs : undefined;

/** A part's mode in this update: decommissioning, or left to another part's targeted update (docs/stages.md). */
function modeOf(part: "appRunner" | "ecs"): PartMode {
    return { decommission: config[part]?.decommission === true, importsElsewhere: onlyPart !== undefined && onlyPart !== part };
}
const appRunnerProvider = appRunner ? accountProvider("apprunner-account", appRunner.account, config.tags) : undefined;
let egress: VpcEgress | undefined;
let service: AppRunnerService | undefined;
let dataStores: DataStoreAccess | undefined;
let workloads: EcsWorker | undefined;

if (appRunner) {
    const net = appRunner.network;
    egress = new VpcEgress(
        "egress",
        {
            connectorName: appRunner.connectorName,
            natMode: net.natMode,
            natPathOnly: appRunner.stage === "egress",
            existing: net.vpcId
                ? {
                      vpcId: net.vpcId,
                      connectorSubnetIds: net.connectorSubnetIds ?? [],
                      publicSubnetIds: net.publicSubnetIds ?? [],
                      subnetAzs: net.subnetAzs,
                      explicitAssociations: net.explicitAssociations,
                  }
                : undefined,
            greenfield: net.vpcId ? undefined : { cidrBlock: net.cidrBlock, azCount: net.azCount },
            adopt: {
                connectorArn: appRunner.adopt.connectorArn,
                connectorSecurityGroupId: appRunner.adopt.connectorSecurityGroupId,
                connectorEgressRuleId: appRunner.adopt.connectorEgressRuleId,
            },
            asLive: appRunner.stage === "adopt",
        },
        partOptions(appRunnerProvider, modeOf("appRunner")),
    );
}
const appRunnerAdopting = appRunner?.stage === "adopt";
if (appRunner && egress?.connectorArn && appRunnerAdopting && appRunner.adopt.serviceArn) {
    service = new AppRunnerService(
        "app",
        {
            serviceName: appRunner.service.name,
            image: appRunner.service.image,
            port: appRunner.service.port,
            account: appRunner.account,
            vpcConnectorArn: egress.connectorArn,
            adoptServiceArn: appRunner.adopt.serviceArn,
            asLive: true,
        },
        partOptions(appRunnerProvider, modeOf("appRunner")),
    );
}
if (appRunner && egress?.routedConnectorArn && appRunner.stage === "harden") {
    const secrets = splitSecrets(appRunner.service.secrets);
    const store = secretStoreFor("app-secrets", appRunner.service.name, [secrets.stored], partOptions(appRunnerProvider, modeOf("appRunner")));
    service = new AppRunnerService(
        "app",
        {
            serviceName: appRunner.service.name,
            image: appRunner.service.image,
            port: appRunner.service.port,
            accessRoleArn: appRunner.service.accessRoleArn,
            cpu: appRunner.service.cpu,
            memory: appRunner.service.memory,
            healthCheck: appRunner.service.healthCheck,
            env: appRunner.service.env,
            secrets: secrets.arns,
            account: appRunner.account,
            storedSecrets: store?.resolve(secrets.stored),
            storedSecretsRevision: store?.revision,
            secretsReady: store?.versions,
            autoScaling: appRunner.service.autoScaling,
            vpcConnectorArn: egress.routedConnectorArn,
            adoptServiceArn: appRunner.adopt.serviceArn,
        },
        partOptions(appRunnerProvider, modeOf("appRunner")),
    );
}

const ecsSharesEgressVpc = ecs !== undefined && ecs.vpcId === undefined;
if (ecs?.stage === "adopt") {
    workloads = new EcsWorker(
        "workloads",
        {
            baseName: ecs.name,
            clusterName: ecs.clusterName,
            region: ecs.account.region,
            vpcId: ecs.vpcId ?? egress!.vpcId,
            subnetIds: ecs.subnetIds ?? egress!.connectorSubnetIds,
            account: ecs.account,
            api: ecs.api,
            worker: ecs.worker,
            adopt: ecs.adopt,
            asLive: true,
        },
        partOptions(accountProvider("ecs-account", ecs.account, config.tags), modeOf("ecs")),
    );
} else if (ecs) {
    const provider = accountProvider("ecs-account", ecs.account, config.tags);
    const store = secretStoreFor(
        "workloads-secrets",
        ecs.name,
        [ecs.api.secrets, ecs.worker.secrets],
        partOptions(provider, modeOf("ecs")),
        ecs.secretsKmsKeyArn,
    );
    workloads = new EcsWorker(
        "workloads",
        {
            baseName: ecs.name,
            clusterName: ecs.clusterName,
            createCluster: ecs.createCluster,
            region: ecs.account.region,
            vpcId: ecs.vpcId ?? egress!.vpcId,
            subnetIds: ecs.subnetIds ?? egress!.connectorSubnetIds,
            assignPublicIp: ecs.assignPublicIp,
            logRetentionDays: ecs.logRetentionDays,
            account: ecs.account,
            secretsKmsKeyArn: ecs.secretsKmsKeyArn,
            api: { ...ecs.api, secrets: store?.resolve(ecs.api.secrets) ?? ecs.api.secrets, valueFrom: store?.pinnedValueFrom(ecs.api.secrets) },
            worker: {
                ...ecs.worker,
                secrets: store?.resolve(ecs.worker.secrets) ?? ecs.worker.secrets,
                valueFrom: store?.pinnedValueFrom(ecs.worker.secrets),
            },
            secretsReady: store?.versions,
            adopt: ecs.adopt,
        },
        partOptions(provider, modeOf("ecs")),
    );
}

if (appRunner && egress?.connectorSecurityGroupId) {
    const sources: Record<string, pulumi.Input<string>> = { connector: egress.connectorSecurityGroupId };
    if (ecsSharesEgressVpc && workloads?.tasksSecurityGroupId) sources["ecs-tasks"] = workloads.tasksSecurityGroupId;
    dataStores = new DataStoreAccess(
        "data",
        {
            vpcId: egress.vpcId,
            postgresPort: appRunner.dataStores.postgresPort,
            redisPort: appRunner.dataStores.redisPort,
            sources,
            cidrSources: appRunner.dataStores.cidrSources,
            redisReplicationGroupId: appRunner.dataStores.redisReplicationGroupId,
            adopt: {
                postgresSecurityGroupId: appRunner.adopt.postgresSecurityGroupId,
                postgresIngressRuleIds: appRunner.adopt.postgresIngressRuleIds,
                postgresWorldOpenRuleId: appRunner.adopt.postgresWorldOpenRuleId,
            },
            asLive: appRunnerAdopting,
        },
        partOptions(appRunnerProvider, modeOf("appRunner")),
    );
}

/**
 * Stack outputs of the enabled parts only: an exported `undefined` makes the engine warn
 * "Undefined value … will not show as a stack output", which no user can act on.
 */
function stackOutputs(): Record<string, pulumi.Output<unknown>> {
    const outputs: Record<string, pulumi.Output<unknown> | undefined> = {
        appRunnerServiceUrl: service?.serviceUrl,
        vpcConnectorArn: egress?.connectorArn,
        natGatewayIds: egress?.natGatewayIds,
        natPublicIps: egress?.natPublicIps,
        postgresSecurityGroupId: dataStores?.postgresSecurityGroupId,
        redisSecurityGroupId: dataStores?.redisSecurityGroupId,
        ecsApiService: workloads?.apiServiceName,
        ecsWorkerService: workloads?.workerServiceName,
        ecsApiTaskDefinition: workloads?.apiTaskDefinitionArn,
    };
    return Object.fromEntries(Object.entries(outputs).filter((entry): entry is [string, pulumi.Output<unknown>] => entry[1] !== undefined));
}

export = stackOutputs();

import { ResourceValidationPolicy } from "@pulumi/policy";
import { healthCheckProblems, instanceSizeProblem } from "./lib/appRunnerLimits";
import { formatProblem } from "./lib/problems";
import { unpinnedImageReason } from "./lib/images";
import { asArray, forTypes, TYPES } from "./lib/resourceTypes";

export const appRunnerHealthCheckWithinLimits: ResourceValidationPolicy = {
    name: "apprunner-health-check-within-limits",
    description: "App Runner health-check values must be within App Runner's limits (interval, timeout and thresholds 1–20; path only with HTTP).",
    enforcementLevel: "mandatory",
    validateResource: forTypes([TYPES.appRunnerService], (props, args, report) => {
        for (const problem of healthCheckProblems(props.healthCheckConfiguration ?? {})) {
            report(`${args.name}: ${formatProblem("healthCheckConfiguration", problem)}`);
        }
    }),
};

export const appRunnerInstanceSizeAllowed: ResourceValidationPolicy = {
    name: "apprunner-instance-size-allowed",
    description: "App Runner CPU and memory must be one of the pairs App Runner offers.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([TYPES.appRunnerService], (props, args, report) => {
        const size = props.instanceConfiguration;
        if (size?.cpu === undefined && size?.memory === undefined) return; // App Runner's default (1 vCPU, 2 GB)
        const problem = instanceSizeProblem(size?.cpu ?? "1024", size?.memory ?? "2048");
        if (problem) report(`${args.name}: ${formatProblem("instanceConfiguration", problem)}`);
    }),
};

export const ecsCircuitBreakerRollsBack: ResourceValidationPolicy = {
    name: "ecs-circuit-breaker-rolls-back",
    description: "ECS services must enable the deployment circuit breaker with rollback, so a failed deployment returns to the last completed one by itself.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([TYPES.ecsService], (props, args, report) => {
        const controller = String(props.deploymentController?.type ?? "ECS");
        if (controller !== "ECS") args.notApplicable(`the ${controller} deployment controller has no circuit breaker`);
        const breaker = props.deploymentCircuitBreaker;
        if (breaker?.enable !== true || breaker?.rollback !== true) {
            report(
                `${args.name} has deploymentCircuitBreaker ${JSON.stringify(breaker ?? null)}; set { enable: true, rollback: true } so failed deployments roll back without a hand-run update-service.`,
            );
        }
    }),
};

function containerImages(definitions: unknown): unknown[] {
    const parsed = typeof definitions === "string" ? safeJson(definitions) : definitions;
    return asArray(parsed).map((c) => (c as Record<string, unknown>)?.image);
}

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return [{ image: undefined }];
    }
}

export const imagesPinned: ResourceValidationPolicy = {
    name: "container-images-pinned",
    description: "Container images in ECS task definitions and App Runner services must pin a release tag or digest: no :latest, no missing tag.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([TYPES.ecsTaskDefinition, TYPES.appRunnerService], (props, args, report) => {
        const images =
            args.type === TYPES.ecsTaskDefinition
                ? containerImages(props.containerDefinitions)
                : [props.sourceConfiguration?.imageRepository?.imageIdentifier].filter((i) => i !== undefined);
        for (const image of images) {
            const reason = unpinnedImageReason(image);
            if (reason) report(`${args.name}: ${reason}. A revision that says :latest rolls back nothing.`);
        }
    }),
};

export const logGroupsHaveRetention: ResourceValidationPolicy = {
    name: "log-groups-have-retention",
    description: "CloudWatch log groups must set a retention period.",
    enforcementLevel: "advisory",
    validateResource: forTypes([TYPES.logGroup], (props, args, report) => {
        if (!props.retentionInDays) report(`${args.name} keeps logs forever; set retentionInDays (e.g. 30).`);
    }),
};

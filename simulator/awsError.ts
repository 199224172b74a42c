/**
 * An error as the real provider reports an AWS API error (AWS SDK for Go v2 wording), so a failure in
 * the simulation reads like the one AWS would give and tests can match the error code.
 */
export class AwsError extends Error {
    constructor(
        readonly service: string,
        readonly operation: string,
        readonly code: string,
        detail: string,
    ) {
        super(`operation error ${service}: ${operation}, https response error StatusCode: 400, api error ${code}: ${detail}`);
    }
}

/** What App Runner and ECS report when a deployment started but never became healthy. */
export class DeploymentFailed extends Error {
    constructor(what: string, reason: string) {
        super(`${what}: deployment failed and was rolled back: ${reason}`);
    }
}

/**
 * An App Runner update whose deployment failed: App Runner rolls the service back to its previous
 * configuration and ends `RUNNING`, and terraform-provider-aws waits only for `RUNNING`
 * (internal/service/apprunner: waitServiceUpdated), then reads the service back. So the update
 * reports success with the old configuration; the provider turns this into that, not an error.
 */
export class RolledBack extends Error {
    constructor(
        readonly operationId: string,
        readonly reason: string,
    ) {
        super(`operation ${operationId} ROLLBACK_SUCCEEDED: ${reason}`);
    }
}

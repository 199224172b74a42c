import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "./validate";

// The SDK's own record of which keys `pulumi config set --secret` marked: under the real engine it
// comes from PULUMI_CONFIG_SECRET_KEYS, under mocks from setAllConfig's second argument.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (key: string) => boolean };

/** Full keys (`egress-remediation:appRunner`, `aws:secretKey`) the runtime holds as secrets. */
export function runtimeSecretKeys(): string[] {
    const keys = Object.keys(pulumi.runtime.allConfig());
    if (typeof runtimeConfig.isConfigSecret === "function") return keys.filter((k) => runtimeConfig.isConfigSecret!(k));
    // An SDK without isConfigSecret: read the variable the language host sets.
    try {
        const listed: unknown = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS || "[]");
        return Array.isArray(listed) ? keys.filter((k) => listed.includes(k)) : [];
    } catch {
        return [];
    }
}

/** The one project key made of secret values. */
export const SECRET_VALUES_KEY = `${PROJECT}:secretValues`;
const PUT_IT_IN_SECRET_VALUES = "or put it in secretValues (pulumi config set --secret --path 'secretValues.NAME' …) and reference it as secretValues.NAME";

/** Where each project key's secret values belong instead. */
const WHERE_SECRETS_GO: Record<string, string> = {
    appRunner: `reference its Secrets Manager or SSM ARN under appRunner.service.secrets, ${PUT_IT_IN_SECRET_VALUES} there`,
    ecs: `reference its Secrets Manager or SSM ARN under ecs.api.secrets or ecs.worker.secrets, ${PUT_IT_IN_SECRET_VALUES} there`,
    tags: "tags are readable by anyone who can list the resources; keep secrets out of them",
};

/**
 * One refusal per project key set with `--secret` (or holding a value set with `--secret --path`),
 * except secretValues, which must be. The Node SDK marks a whole top-level key secret when any
 * value inside it is, so the program cannot keep one part of `appRunner` secret and show the rest
 * in previews and policies; and no part of these keys needs a secret value.
 */
export function secretConfigProblems(secretFullKeys: readonly string[], presentFullKeys: readonly string[]): string[] {
    const plainSecretValues =
        presentFullKeys.includes(SECRET_VALUES_KEY) && !secretFullKeys.includes(SECRET_VALUES_KEY)
            ? [
                  `${SECRET_VALUES_KEY} must be set with --secret (pulumi config set --secret --path 'secretValues.NAME' …); remove the plain value from the stack file and rotate it`,
              ]
            : [];
    return secretFullKeys
        .filter((k) => k.startsWith(`${PROJECT}:`) && k !== SECRET_VALUES_KEY)
        .map((fullKey) => {
            const key = fullKey.slice(PROJECT.length + 1);
            const where = WHERE_SECRETS_GO[key] ?? "this key takes no secret";
            return `${fullKey} holds a value set with --secret, where no secret belongs: ${where}; then set the key again without --secret`;
        })
        .concat(plainSecretValues);
}

/**
 * secretValues as secret Outputs, read through Config#requireSecretObject so they are secrets from
 * the moment they leave the config. Names are not secret; values never exist outside an Output here.
 */
export function secretValueOutputs(names: readonly string[]): Record<string, pulumi.Output<string>> {
    if (names.length === 0) return {};
    const all = new pulumi.Config(PROJECT).requireSecretObject<Record<string, string>>("secretValues");
    return Object.fromEntries(names.map((name) => [name, all.apply((values) => values[name])]));
}

/**
 * Secret keys of other namespaces the program never reads. Every AWS resource goes through an
 * explicit provider built from `*.account` (default providers are disabled), so `aws:accessKey`,
 * `aws:secretKey` or `aws:token` would be ignored, not used.
 */
export function unreadSecretKeyWarnings(secretFullKeys: readonly string[]): string[] {
    return secretFullKeys
        .filter((k) => k.startsWith("aws:"))
        .map(
            (k) =>
                `${k} is set but not read: every AWS resource uses the explicit provider of its account; give credentials as *.account.profile, *.account.assumeRoleArn or the AWS_* environment variables`,
        );
}

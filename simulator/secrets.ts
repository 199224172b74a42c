import { AccountData, resourcesOfType, StoredResource } from "./account";
import { T } from "./tokens";

/**
 * The secret a reference names, as Secrets Manager resolves it: a full ARN (with the `-` and six random
 * characters AWS appends), a partial ARN without that suffix, or a name. SSM parameters are not modelled.
 */
export function findSecret(data: AccountData, given: string): StoredResource | undefined {
    // ECS may name a JSON key, stage and version after the ARN: `arn:…:secret:<name>-AbCdEf:<key>:<stage>:<version id>`.
    const reference = given.startsWith("arn:") ? given.split(":").slice(0, 7).join(":") : given;
    const secrets = resourcesOfType(data, T.secret);
    return (
        secrets.find((s) => s.id === reference) ??
        secrets.find((s) => s.id.length === reference.length + 7 && s.id.startsWith(`${reference}-`)) ??
        secrets.find((s) => s.inputs.name === reference)
    );
}

/**
 * Why reading the secret's value fails, or undefined. A secret created here needs a version first (AWS:
 * no value for the AWSCURRENT stage); the recorded ones hold values in the live account.
 */
export function secretValueProblem(data: AccountData, secret: StoredResource): string | undefined {
    const createdHere = data.events.some((e) => e.op === "create" && e.type === T.secret && e.id === secret.id);
    const hasVersion = resourcesOfType(data, T.secretVersion).some((v) => findSecret(data, String(v.inputs.secretId)) === secret);
    return createdHere && !hasVersion
        ? `ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label: AWSCURRENT (${secret.id})`
        : undefined;
}

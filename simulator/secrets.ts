import { AccountData, resourcesOfType, StoredResource } from "./account";
import { T } from "./tokens";

/**
 * The secret a reference names, as Secrets Manager resolves it: a full ARN (with the `-` and six random
 * characters AWS appends), a partial ARN without that suffix, or a name. SSM parameters are not modelled.
 */
export function findSecret(data: AccountData, reference: string): StoredResource | undefined {
    const secrets = resourcesOfType(data, T.secret);
    return (
        secrets.find((s) => s.id === reference) ??
        secrets.find((s) => s.id.length === reference.length + 7 && s.id.startsWith(`${reference}-`)) ??
        secrets.find((s) => s.inputs.name === reference)
    );
}

import { resourcesOfType } from "../account";
import { AwsError } from "../awsError";
import { arn, Behaviour, inventHex } from "../behaviour";
import { findSecret } from "../secrets";
import { T } from "../tokens";

/** AWS appends `-` and six random characters to every secret's name to make its ARN. */
const ARN_SUFFIX_LENGTH = 6;

export const secret: Behaviour = {
    autoName: "name",
    create(ctx, inputs) {
        const name = String(inputs.name);
        if (ctx.data.deletedSecretNames?.includes(name)) {
            throw new AwsError(
                "Secrets Manager",
                "CreateSecret",
                "InvalidRequestException",
                "You can't create this secret because a secret with this name is already scheduled for deletion.",
            );
        }
        if (resourcesOfType(ctx.data, T.secret).some((s) => s.inputs.name === name)) {
            throw new AwsError("Secrets Manager", "CreateSecret", "ResourceExistsException", `The operation failed because the secret ${name} already exists.`);
        }
        const id = arn(ctx, "secretsmanager", `secret:${name}-${inventHex(ctx.data, ARN_SUFFIX_LENGTH)}`);
        return { id, computed: { arn: id } };
    },
    delete(ctx, stored) {
        // DeleteSecret schedules the deletion (30 days by default): the name stays taken until then.
        (ctx.data.deletedSecretNames ??= []).push(String(stored.inputs.name));
        ctx.data.resources = ctx.data.resources.filter((r) => !(r.type === T.secretVersion && findSecret(ctx.data, String(r.inputs.secretId)) === stored));
    },
};

export const secretVersion: Behaviour = {
    create(ctx, inputs) {
        const target = findSecret(ctx.data, String(inputs.secretId));
        if (!target) {
            throw new AwsError("Secrets Manager", "PutSecretValue", "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }
        if (inputs.secretString === undefined && inputs.secretBinary === undefined) {
            throw new AwsError("Secrets Manager", "PutSecretValue", "InvalidRequestException", "You must provide either SecretString or SecretBinary.");
        }
        const versionId = inventUuid(ctx.data);
        // The provider's id for a version is `<secret ARN>|<version id>`.
        return { id: `${target.id}|${versionId}`, computed: { arn: target.id, versionId, versionStages: inputs.versionStages ?? ["AWSCURRENT"] } };
    },
    update() {
        return {};
    },
};

function inventUuid(data: Parameters<typeof inventHex>[0]): string {
    const hex = inventHex(data, 32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

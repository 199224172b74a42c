import { findResource, resourcesOfType } from "../account";
import { AwsError } from "../awsError";
import { Behaviour, inventHex } from "../behaviour";
import { T } from "../tokens";
import { parseJsonInput } from "../values";

function requireRole(data: Parameters<typeof findResource>[0], name: unknown, operation: string): void {
    if (!findResource(data, T.role, String(name))) throw new AwsError("IAM", operation, "NoSuchEntity", `The role with name ${String(name)} cannot be found.`);
}

function requirePolicyDocument(document: unknown, operation: string): void {
    if (document !== undefined && parseJsonInput(document) === undefined) {
        throw new AwsError("IAM", operation, "MalformedPolicyDocument", "Syntax errors in policy.");
    }
}

export const role: Behaviour = {
    autoName: "name",
    create(ctx, inputs) {
        if (findResource(ctx.data, T.role, String(inputs.name)))
            throw new AwsError("IAM", "CreateRole", "EntityAlreadyExists", `Role with name ${inputs.name} already exists.`);
        requirePolicyDocument(inputs.assumeRolePolicy, "CreateRole");
        return {
            id: String(inputs.name),
            computed: { arn: `arn:aws:iam::${ctx.accountId}:role/${inputs.name}`, uniqueId: `AROA${inventHex(ctx.data, 17).toUpperCase()}` },
        };
    },
    update(_ctx, _resource, inputs) {
        requirePolicyDocument(inputs.assumeRolePolicy, "UpdateAssumeRolePolicy");
        return {};
    },
    delete(ctx, resource) {
        const attached = [...resourcesOfType(ctx.data, T.rolePolicy), ...resourcesOfType(ctx.data, T.rolePolicyAttachment)].filter(
            (p) => p.inputs.role === resource.id,
        );
        if (attached.length > 0) throw new AwsError("IAM", "DeleteRole", "DeleteConflict", "Cannot delete entity, must delete policies first.");
    },
};

export const rolePolicy: Behaviour = {
    autoName: "name",
    create(ctx, inputs) {
        requireRole(ctx.data, inputs.role, "PutRolePolicy");
        requirePolicyDocument(inputs.policy, "PutRolePolicy");
        return { id: `${inputs.role}:${inputs.name}`, computed: {} };
    },
    update(ctx, _resource, inputs) {
        requireRole(ctx.data, inputs.role, "PutRolePolicy");
        requirePolicyDocument(inputs.policy, "PutRolePolicy");
        return {};
    },
};

export const rolePolicyAttachment: Behaviour = {
    create(ctx, inputs) {
        requireRole(ctx.data, inputs.role, "AttachRolePolicy");
        return { id: `${inputs.role}-${inventHex(ctx.data, 26)}`, computed: {} };
    },
};

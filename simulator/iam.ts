import { AccountData, findResource, resourcesOfType } from "./account";
import { T } from "./tokens";
import { parseJsonInput, plain } from "./values";

interface Statement {
    readonly Effect?: string;
    readonly Action?: string | string[];
    readonly Resource?: string | string[];
}

const EXECUTION_ROLE_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

function list<V>(value: V | V[] | undefined): V[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** IAM's wildcard match: `*` any run of characters, `?` exactly one. Actions ignore case; ARNs do not. */
function wildcardMatches(pattern: string, value: string, ignoreCase = false): boolean {
    const escaped = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${escaped}$`, ignoreCase ? "i" : "").test(value);
}

function roleNameOf(roleArn: string): string {
    return roleArn.slice(roleArn.lastIndexOf("/") + 1);
}

function inlineStatements(data: AccountData, roleName: string): Statement[] {
    return resourcesOfType(data, T.rolePolicy)
        .filter((p) => p.inputs.role === roleName)
        .flatMap((p) => list(parseJsonInput(plain(p.inputs.policy))?.Statement as Statement | Statement[] | undefined));
}

/** Whether the role's inline policies allow `action` on `resource` (no explicit deny is modelled). */
export function roleAllows(data: AccountData, roleArn: string, action: string, resource: string): boolean {
    return inlineStatements(data, roleNameOf(roleArn)).some(
        (s) =>
            s.Effect === "Allow" && list(s.Action).some((a) => wildcardMatches(a, action, true)) && list(s.Resource).some((r) => wildcardMatches(r, resource)),
    );
}

export function roleExists(data: AccountData, roleArn: string): boolean {
    return findResource(data, T.role, roleNameOf(roleArn)) !== undefined;
}

/** Whether an ECS execution role can pull images and write logs: the managed policy or an inline grant. */
export function canPullAndLog(data: AccountData, roleArn: string): boolean {
    const name = roleNameOf(roleArn);
    const attached = resourcesOfType(data, T.rolePolicyAttachment).some((a) => a.inputs.role === name && a.inputs.policyArn === EXECUTION_ROLE_POLICY);
    return attached || (roleAllows(data, roleArn, "ecr:GetAuthorizationToken", "*") && roleAllows(data, roleArn, "logs:CreateLogStream", "*"));
}

import { resolveSecretReference } from "./secretReference";

/**
 * The IAM statements that let a role read exactly the secrets a service references: what AWS
 * checks for each (see secretReference.ts: a Secrets Manager name or partial ARN is granted with
 * AWS's `-??????` suffix, a full ARN exactly, an SSM parameter through `ssm:GetParameters`), plus
 * `kms:Decrypt` on a customer-managed key. AWS-managed keys need no grant.
 */

export interface PolicyStatement {
    readonly Effect: "Allow";
    readonly Action: string[];
    readonly Resource: string[];
}

/** `refs` must be valid references (secretReferenceProblem); names resolve in `account`. */
export function secretReadStatements(
    refs: readonly string[],
    account: { readonly id: string; readonly region: string },
    kmsKeyArn?: string,
): PolicyStatement[] {
    const resolved = refs.map((ref) => resolveSecretReference(ref, account));
    const grants = (service: "secretsmanager" | "ssm") => [...new Set(resolved.filter((r) => r.service === service).map((r) => r.grant))].sort();
    const statements: PolicyStatement[] = [];
    const secretsManager = grants("secretsmanager");
    const ssm = grants("ssm");
    if (secretsManager.length) statements.push({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretsManager });
    if (ssm.length) statements.push({ Effect: "Allow", Action: ["ssm:GetParameters"], Resource: ssm });
    if (kmsKeyArn && statements.length) statements.push({ Effect: "Allow", Action: ["kms:Decrypt"], Resource: [kmsKeyArn] });
    return statements;
}

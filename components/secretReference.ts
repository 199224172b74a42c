import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * A reference to a secret as the config may give it: a Secrets Manager secret's full ARN (which
 * ends in `-` and six random characters), its partial ARN or its name, or an SSM parameter ARN.
 * App Runner needs the full ARN; IAM must grant exactly what AWS checks, and an IAM resource
 * without the random suffix matches nothing, so a name is granted as `…:secret:<name>-??????`.
 */
export type SecretReference =
    | { readonly service: "secretsmanager"; readonly fullArn: string; readonly grant: string }
    | {
          readonly service: "secretsmanager";
          readonly fullArn?: undefined;
          /** What to look the full ARN up by (`aws.secretsmanager.getSecret`). */
          readonly lookup: { readonly name: string } | { readonly arn: string };
          readonly grant: string;
      }
    | { readonly service: "ssm"; readonly fullArn: string; readonly grant: string };

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRETS_MANAGER_ARN = /^arn:(aws[a-z-]*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:([A-Za-z0-9/_+=.@-]+)$/;
const SSM_PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/\S+$/;
/** AWS appends `-` and six characters to every secret's ARN. */
const RANDOM_SUFFIX = /-[A-Za-z0-9]{6}$/;

/** What is wrong with a reference, without ever repeating it (it may be the secret itself). */
export function secretReferenceProblem(reference: string): string | undefined {
    if (reference.startsWith("arn:")) {
        return SECRETS_MANAGER_ARN.test(reference) || SSM_PARAMETER_ARN.test(reference)
            ? undefined
            : "must be a Secrets Manager secret ARN or name, or an SSM parameter ARN";
    }
    return SECRET_NAME.test(reference) && !reference.includes("://")
        ? undefined
        : "must be a Secrets Manager secret ARN or name (letters, digits and /_+=.@-), or an SSM parameter ARN, never a value";
}

function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/**
 * Resolves a valid reference (see `secretReferenceProblem`) in the account and region where a
 * name is looked up. A full ARN is granted exactly; a name or partial ARN is granted with the
 * `-??????` wildcard AWS documents for it and looked up for the full ARN App Runner needs.
 * A name that itself ends in `-` and six letters or digits reads as a full ARN, as in AWS.
 */
export function resolveSecretReference(reference: string, account: { readonly id: string; readonly region: string }): SecretReference {
    if (SSM_PARAMETER_ARN.test(reference)) return { service: "ssm", fullArn: reference, grant: reference };
    const arn = SECRETS_MANAGER_ARN.exec(reference);
    if (arn) {
        if (RANDOM_SUFFIX.test(arn[4])) return { service: "secretsmanager", fullArn: reference, grant: reference };
        return { service: "secretsmanager", lookup: { arn: reference }, grant: `${reference}-??????` };
    }
    const partialArn = `arn:${partitionOf(account.region)}:secretsmanager:${account.region}:${account.id}:secret:${reference}`;
    return { service: "secretsmanager", lookup: { name: reference }, grant: `${partialArn}-??????` };
}

/**
 * The full ARN App Runner and ECS need (ECS reads a bare name as an SSM parameter's): a full ARN as
 * given, a name or partial ARN looked up in the parent's account (a preview fails if it does not exist).
 */
export function fullSecretArn(secret: SecretReference, parent: pulumi.Resource): pulumi.Input<string> {
    if (secret.fullArn !== undefined) return secret.fullArn;
    return aws.secretsmanager.getSecretOutput(secret.lookup, { parent }).arn;
}

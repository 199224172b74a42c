import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { secretValueOutputs } from "../config/secretConfig";
import { storedSecretName } from "../config/secretValues";

export interface SecretStoreArgs {
    /** Secrets are named `<prefix>/<NAME>` in Secrets Manager, e.g. `nerava-backend/TWILIO_AUTH_TOKEN`. */
    readonly prefix: string;
    /** NAME → value; each value should already be a secret Output (see secretValueOutputs). */
    readonly values: Readonly<Record<string, pulumi.Input<string>>>;
    /** Customer-managed KMS key for the secrets. @default the account's aws/secretsmanager key */
    readonly kmsKeyArn?: string;
}

/**
 * Secrets Manager secrets holding values from secret config. Each value is wrapped again with
 * `pulumi.secret` and `secretString` is listed in `additionalSecretOutputs`, so it is encrypted in
 * state and shown as [secret] in previews whatever the caller passed.
 */
export class SecretStore extends pulumi.ComponentResource {
    /** NAME → ARN of the stored secret (complete, with AWS's suffix). */
    public readonly arns: Record<string, pulumi.Output<string>> = {};
    /** The versions holding the values: tasks and services must start after them. */
    public readonly versions: aws.secretsmanager.SecretVersion[] = [];

    constructor(name: string, args: SecretStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-remediation:secrets:SecretStore", name, {}, opts);
        for (const [key, value] of Object.entries(args.values)) {
            const secret = new aws.secretsmanager.Secret(
                `${name}-${key}`,
                { name: `${args.prefix}/${key}`, description: `${key}, from egress-remediation:secretValues`, kmsKeyId: args.kmsKeyArn },
                { parent: this },
            );
            this.versions.push(
                new aws.secretsmanager.SecretVersion(
                    `${name}-${key}-value`,
                    { secretId: secret.id, secretString: pulumi.secret(value) },
                    { parent: this, additionalSecretOutputs: ["secretString"] },
                ),
            );
            this.arns[key] = secret.arn;
        }
        this.registerOutputs({ arns: this.arns });
    }

    /** A secrets map with `secretValues.NAME` references replaced by the stored secrets' ARNs. */
    resolve(map: Readonly<Record<string, string>>): Record<string, pulumi.Input<string>> {
        return Object.fromEntries(
            Object.entries(map).map(([envName, ref]) => {
                const name = storedSecretName(ref);
                return [envName, name === undefined ? ref : this.arns[name]];
            }),
        );
    }
}

/**
 * The store for the secretValues that `maps` reference, in one account (undefined when none is):
 * values are read from config as secret Outputs and never leave one.
 */
export function secretStoreFor(
    name: string,
    prefix: string,
    maps: readonly Readonly<Record<string, string>>[],
    opts: pulumi.ComponentResourceOptions,
    kmsKeyArn?: string,
): SecretStore | undefined {
    const names = referencedSecretValues(maps);
    return names.length ? new SecretStore(name, { prefix, values: secretValueOutputs(names), kmsKeyArn }, opts) : undefined;
}

/** A secrets map split into ARNs given in config and `secretValues.NAME` references. */
export function splitSecrets(map: Readonly<Record<string, string>>): { arns: Record<string, string>; stored: Record<string, string> } {
    const entries = Object.entries(map);
    return {
        arns: Object.fromEntries(entries.filter(([, ref]) => storedSecretName(ref) === undefined)),
        stored: Object.fromEntries(entries.filter(([, ref]) => storedSecretName(ref) !== undefined)),
    };
}

/** The secretValues names a set of secrets maps references. */
export function referencedSecretValues(maps: readonly Readonly<Record<string, string>>[]): string[] {
    return [...new Set(maps.flatMap((m) => Object.values(m).map(storedSecretName)).filter((n): n is string => n !== undefined))].sort();
}

import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { usedByKeptOptions } from "./adopt";
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
 * `pulumi.secret` and `secretString` is listed in `additionalSecretOutputs` (pulumi-aws 7.48.0 does
 * both too, as its schema marks the property secret; this does not depend on it), so it is encrypted
 * in state and shown as [secret] in previews whatever the caller passed.
 */
export class SecretStore extends pulumi.ComponentResource {
    /** NAME → ARN of the stored secret (complete, with AWS's suffix). */
    public readonly arns: Record<string, pulumi.Output<string>> = {};
    /** The versions holding the values: tasks and services must start after them. */
    public readonly versions: aws.secretsmanager.SecretVersion[] = [];
    /** NAME → the id of the version holding its current value: a new value is a new version (force-new). */
    private readonly versionIds: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: SecretStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-remediation:secrets:SecretStore", name, {}, opts);
        for (const [key, value] of Object.entries(args.values)) {
            const secret = new aws.secretsmanager.Secret(
                `${name}-${key}`,
                {
                    name: `${args.prefix}/${key}`,
                    description: `${key}, from egress-remediation:secretValues`,
                    kmsKeyId: args.kmsKeyArn,
                    // Retained when it leaves the program (a step back to adopt keeps the service reading it), so
                    // it is deleted only by hand; then at once, since the value lives in stack config, instead of
                    // holding its name for AWS's 30-day recovery window, which would refuse the same NAME later.
                    recoveryWindowInDays: 0,
                },
                usedByKeptOptions(this),
            );
            const version = new aws.secretsmanager.SecretVersion(
                `${name}-${key}-value`,
                { secretId: secret.id, secretString: pulumi.secret(value) },
                usedByKeptOptions(this, { additionalSecretOutputs: ["secretString"] }),
            );
            this.versions.push(version);
            this.versionIds[key] = version.versionId;
            this.arns[key] = secret.arn;
        }
        this.registerOutputs({ arns: this.arns });
    }

    /**
     * ECS `valueFrom` for the `secretValues.NAME` references of a map, pinned to the current version
     * (`<arn>:::<version id>`): a changed value changes the task definition, so the service rolls out
     * new tasks with it instead of keeping the old value in running tasks.
     */
    pinnedValueFrom(map: Readonly<Record<string, string>>): Record<string, pulumi.Output<string>> {
        return Object.fromEntries(
            Object.entries(map).flatMap(([envName, ref]) => {
                const name = storedSecretName(ref);
                return name === undefined ? [] : [[envName, pulumi.interpolate`${this.arns[name]}:::${this.versionIds[name]}`]];
            }),
        );
    }

    /**
     * A short digest of the current version ids (not secret): App Runner takes no version in a secret
     * reference and reads secrets only when it deploys, so a service that carries this digest in a
     * plain variable redeploys when a stored value changes.
     */
    get revision(): pulumi.Output<string> {
        return pulumi
            .all(
                Object.keys(this.versionIds)
                    .sort()
                    .map((key) => this.versionIds[key]),
            )
            .apply((ids) => createHash("sha256").update(ids.join(",")).digest("hex").slice(0, 12));
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

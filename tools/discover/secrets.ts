import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AccountSession, call } from "./aws";
import { Discovery, emptyDiscovery, Part } from "./findings";

const SECRET_ARN = /^arn:(aws[a-z-]*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/;

/** The secret's name from a full or partial ARN (a full one ends in `-` and six random characters, which AWS adds). */
export function secretNameOf(arn: string): { region: string; account: string; name: string } | undefined {
    const m = SECRET_ARN.exec(arn);
    return m ? { region: m[2], account: m[3], name: m[4] } : undefined;
}

/**
 * Resolves each configured Secrets Manager reference to the secret's full ARN (what IAM
 * checks), reading metadata only: DescribeSecret never returns the value. A partial ARN is
 * looked up by name; a missing secret is a failed check that says how to create it.
 */
export async function resolveSecrets(session: AccountSession, part: Part, path: string[], secrets: Record<string, string>): Promise<Discovery> {
    const d = emptyDiscovery();
    const clients = new Map<string, SecretsManagerClient>();
    const clientFor = (region: string) => {
        if (!clients.has(region)) clients.set(region, new SecretsManagerClient({ ...session.clientConfig, region }));
        return clients.get(region)!;
    };
    for (const [key, reference] of Object.entries(secrets)) {
        const parsed = secretNameOf(reference);
        if (!parsed) continue; // SSM parameters need no suffix
        const at = `${[part, ...path, key].join(".")}`;
        if (parsed.account !== session.account.id) {
            d.checks.push({ level: "warn", message: `${at} is in account ${parsed.account}, not ${session.account.id}; not checked` });
            continue;
        }
        const client = clientFor(parsed.region);
        const byArn = await call(session, "secretsmanager:DescribeSecret", () => client.send(new DescribeSecretCommand({ SecretId: reference })), [
            "ResourceNotFoundException",
        ]);
        const found =
            byArn ??
            (await call(session, "secretsmanager:DescribeSecret", () => client.send(new DescribeSecretCommand({ SecretId: parsed.name })), [
                "ResourceNotFoundException",
            ]));
        if (!found?.ARN) {
            d.checks.push({
                level: "fail",
                message: `${at}: secret ${parsed.name} does not exist in ${parsed.region}; create it (aws secretsmanager create-secret --name ${parsed.name} --secret-string file://<file holding the value>) and run discover again`,
            });
            continue;
        }
        if (found.DeletedDate) {
            d.checks.push({ level: "fail", message: `${at}: secret ${found.Name} is scheduled for deletion; restore it (aws secretsmanager restore-secret)` });
            continue;
        }
        d.changes.push({ part, path: [...path, key], value: found.ARN, source: `secretsmanager:DescribeSecret ${found.Name}` });
    }
    return d;
}

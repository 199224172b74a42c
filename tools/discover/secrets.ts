import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { storedSecretName } from "../../config/secretValues";
import { AccountSession, call } from "./aws";
import { Discovery, emptyDiscovery, Part } from "./findings";

const SECRET_ARN = /^arn:(aws[a-z-]*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/;

/** The secret's name from a full or partial ARN (a full one ends in `-` and six random characters, which AWS adds). */
export function secretNameOf(arn: string): { region: string; account: string; name: string } | undefined {
    const m = SECRET_ARN.exec(arn);
    return m ? { region: m[2], account: m[3], name: m[4] } : undefined;
}

/**
 * Checks that each configured Secrets Manager secret exists, reading metadata only
 * (DescribeSecret never returns the value). A name stays a name (the program resolves it); a
 * partial ARN becomes the full one, with AWS's suffix. A missing secret is a failed check that
 * says how to create it. When every secret exists, the key counts as confirmed. A
 * `secretValues.NAME` reference is a value the program itself stores in Secrets Manager from
 * secret config: there is nothing live to check, so it is skipped.
 */
export async function resolveSecrets(session: AccountSession, part: Part, path: string[], secrets: Record<string, string>): Promise<Discovery> {
    const d = emptyDiscovery();
    const clients = new Map<string, SecretsManagerClient>();
    const clientFor = (region: string) => {
        if (!clients.has(region)) clients.set(region, new SecretsManagerClient({ ...session.clientConfig, region }));
        return clients.get(region)!;
    };
    let allExist = true;
    for (const [key, reference] of Object.entries(secrets)) {
        const stored = storedSecretName(reference);
        if (stored !== undefined) {
            d.checks.push({ level: "ok", message: `${[part, ...path, key].join(".")}: secretValues.${stored}, which the program stores; nothing to read` });
            continue;
        }
        if (reference.startsWith("arn:") && !reference.includes(":secretsmanager:")) continue; // SSM parameters need no suffix
        const parsed = secretNameOf(reference) ?? { region: session.account.region, account: session.account.id, name: reference };
        const at = [part, ...path, key].join(".");
        if (parsed.account !== session.account.id) {
            d.checks.push({ level: "warn", message: `${at} is in account ${parsed.account}, not ${session.account.id}; not checked` });
            allExist = false;
            continue;
        }
        const client = clientFor(parsed.region);
        const describe = (id: string) =>
            call(session, "secretsmanager:DescribeSecret", () => client.send(new DescribeSecretCommand({ SecretId: id })), ["ResourceNotFoundException"]);
        const found = (await describe(reference)) ?? (reference === parsed.name ? undefined : await describe(parsed.name));
        if (!found?.ARN || found.DeletedDate) {
            allExist = false;
            d.checks.push({
                level: "fail",
                message: found?.DeletedDate
                    ? `${at}: secret ${found.Name} is scheduled for deletion; restore it (aws secretsmanager restore-secret --secret-id ${found.Name})`
                    : `${at}: secret ${parsed.name} does not exist in ${parsed.region}; create it (aws secretsmanager create-secret --name ${parsed.name} --secret-string file://<file holding the value>) and run discover again`,
            });
            continue;
        }
        d.checks.push({ level: "ok", message: `${at}: secret ${found.Name} exists (${found.ARN})` });
        if (reference.startsWith("arn:") && reference !== found.ARN) {
            d.changes.push({ part, path: [...path, key], value: found.ARN, source: `secretsmanager:DescribeSecret ${found.Name}` });
        }
    }
    if (allExist && Object.keys(secrets).length > 0) d.confirmed.push([part, ...path].join("."));
    return d;
}

/**
 * `egress-remediation:secretValues`: the one project key that holds secret values. Each is set with
 * `pulumi config set --secret --path 'secretValues.NAME' …`, stored by the program in Secrets
 * Manager, and referenced from a service's secrets map as `secretValues.NAME`.
 */

const REFERENCE = /^secretValues\.([A-Za-z_][A-Za-z0-9_]*)$/;
export const SECRET_VALUE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The NAME in a `secretValues.NAME` reference, or undefined for anything else (an ARN). */
export function storedSecretName(ref: string): string | undefined {
    return REFERENCE.exec(ref)?.[1];
}

export interface SecretMaps {
    readonly secretValues: Readonly<Record<string, string>>;
    /** Config path of each secrets map (`appRunner.service.secrets`) → the map. */
    readonly maps: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** References to names that are not in secretValues, and values no service reads (stored for nothing). */
export function secretValueProblems({ secretValues, maps }: SecretMaps): { path: string[]; message: string }[] {
    const problems: { path: string[]; message: string }[] = [];
    const referenced = new Set<string>();
    for (const [mapPath, map] of Object.entries(maps)) {
        for (const [envName, ref] of Object.entries(map)) {
            const name = storedSecretName(ref);
            if (name === undefined) continue;
            referenced.add(name);
            if (!(name in secretValues)) {
                problems.push({
                    path: [...mapPath.split("."), envName],
                    message: `references secretValues.${name}, which is not set; set it with \`pulumi config set --secret --path 'secretValues.${name}' …\``,
                });
            }
        }
    }
    for (const name of Object.keys(secretValues)) {
        if (!referenced.has(name))
            problems.push({
                path: ["secretValues", name],
                message: "is not referenced by any secrets map; reference it as `secretValues." + name + "` or remove it",
            });
    }
    return problems;
}

import { EngineSandbox } from "./sandbox";

/**
 * Adoption flags whose `import` option must go once the first up has imported the resource: pulumi-aws
 * imports an ECS service as `<cluster>/<service>` but stores it under its ARN, and the engine keeps no import
 * id after an import that is followed by an update, so a later run that still asks for the import proposes
 * an import-replacement (which protection refuses). Pulumi's import docs say to drop the option after import.
 */
export const IMPORT_ONCE_FLAGS = ["egress-remediation:ecs.adopt.apiService", "egress-remediation:ecs.adopt.workerService"] as const;

/** Sets every import-once flag that is on to false, as a team commits it after the first up; returns those it changed. */
export async function finishAdoption(sandbox: EngineSandbox, stack: string): Promise<string[]> {
    const changed: string[] = [];
    for (const key of IMPORT_ONCE_FLAGS) {
        const current = await sandbox.pulumi(["config", "get", "--stack", stack, "--path", key]);
        if (current.status !== 0 || current.stdout.trim() !== "true") continue;
        const set = await sandbox.pulumi(["config", "set", "--stack", stack, "--path", key, "false"]);
        if (set.status !== 0) throw new Error(`pulumi config set ${key} false failed: ${set.stderr.trim()}`);
        changed.push(key);
    }
    return changed;
}

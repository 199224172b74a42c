import * as pulumi from "@pulumi/pulumi";
import { findPlaceholders } from "./placeholders";
import { StackConfig } from "./schema";
import { Part, partOf, stageReads } from "./stages";
import { PROJECT } from "./validate";

/** A config value nobody has checked against the live account, and the command that checks it. */
export interface Unconfirmed {
    /** Dotted key inside the project namespace, e.g. `ecs.api.loadBalancer`. */
    readonly key: string;
    readonly reason: string;
    readonly confirm: string;
}

/**
 * Everything `pulumi up` must not run with: the stack file's `unverified` list, zero placeholders,
 * and rules on adopted security groups whose live id is not configured (creating a rule that
 * exists fails with InvalidPermission.Duplicate in the middle of the update).
 */
export function unconfirmedValues(config: StackConfig): Unconfirmed[] {
    const listed = config.unverified.map((entry) => ({ ...entry }));
    const covered = (key: string) => listed.some((entry) => key === entry.key || key.startsWith(`${entry.key}.`));
    const placeholders = findPlaceholders({ appRunner: config.appRunner, ecs: config.ecs })
        .filter((key) => !covered(key))
        .map((key) => ({ key, reason: "holds a placeholder of zeros", confirm: "replace it with the live value" }));
    return [...listed, ...placeholders, ...unconfiguredRuleIds(config).filter((entry) => !covered(entry.key))];
}

function unconfiguredRuleIds(config: StackConfig): Unconfirmed[] {
    const appRunner = config.appRunner;
    if (!appRunner?.enabled) return [];
    const { adopt, account } = appRunner;
    // Single quotes: in double quotes a shell runs the JMESPath literals' backticks and expands `!`.
    const rules = (groupId: string, filter: string) =>
        `aws ec2 describe-security-group-rules --region ${account.region} --filters Name=group-id,Values=${groupId} ` +
        `--query 'SecurityGroupRules[?${filter}].[SecurityGroupRuleId,ReferencedGroupInfo.GroupId,CidrIpv4,FromPort,ToPort]' --output text`;
    const found: Unconfirmed[] = [];
    if (adopt.connectorSecurityGroupId && !adopt.connectorEgressRuleId) {
        found.push({
            key: "appRunner.adopt.connectorEgressRuleId",
            reason: `the adopted group ${adopt.connectorSecurityGroupId} may already allow all egress; set its sgr- id, or "create" if it has none`,
            confirm: rules(adopt.connectorSecurityGroupId, "IsEgress"),
        });
    }
    const postgresGroup = adopt.postgresSecurityGroupId;
    if (postgresGroup && !adopt.postgresWorldOpenRuleId && appRunner.stage !== "harden") {
        const port = appRunner.dataStores.postgresPort;
        found.push({
            key: "appRunner.adopt.postgresWorldOpenRuleId",
            reason: `the adopted group ${postgresGroup} may admit ${port} from 0.0.0.0/0; set that rule's sgr- id (adopt imports it, harden deletes it), or "none" if it has none`,
            confirm: rules(postgresGroup, `!IsEgress && CidrIpv4==\`"0.0.0.0/0"\` && FromPort<=\`${port}\` && ToPort>=\`${port}\``),
        });
    }
    if (postgresGroup) {
        const port = appRunner.dataStores.postgresPort;
        // A rule can only exist already when its source exists already: the adopted connector
        // group or a CIDR. Sources this program creates (the ECS tasks' group) are new.
        const existingSources = [...(adopt.connectorSecurityGroupId ? ["connector"] : []), ...Object.keys(appRunner.dataStores.cidrSources)];
        for (const source of existingSources.filter((s) => !adopt.postgresIngressRuleIds?.[s])) {
            found.push({
                key: `appRunner.adopt.postgresIngressRuleIds.${source}`,
                reason: `the adopted group ${postgresGroup} may already have "${port} from ${source}"; set its sgr- id, or "create" if it has none`,
                confirm: rules(postgresGroup, `!IsEgress && FromPort<=\`${port}\` && ToPort>=\`${port}\``),
            });
        }
    }
    return found;
}

/** Unconfirmed values split by whether the parts' current stages read them; `only` keeps one part's. */
export interface StagedUnconfirmed {
    /** Read by a current stage: `pulumi up` refuses while any is listed. */
    readonly now: Unconfirmed[];
    /** Read only by a later stage: settle them before that stage's pull request. */
    readonly later: Unconfirmed[];
}

export function unconfirmedByStage(config: StackConfig, all: readonly Unconfirmed[] = unconfirmedValues(config), only?: Part): StagedUnconfirmed {
    const now: Unconfirmed[] = [];
    const later: Unconfirmed[] = [];
    for (const entry of all) {
        const part = partOf(entry.key);
        const settings = part ? config[part] : undefined;
        if (!part || !settings?.enabled || (only && part !== only)) continue;
        (stageReads(part, settings.stage, entry.key) ? now : later).push(entry);
    }
    return { now, later };
}

/**
 * How `pulumi up` refuses: during a preview each unconfirmed value is a warning; during an update
 * the program stops with one line before registering anything, so nothing is half-applied.
 */
export function gateUnconfirmed(unconfirmed: readonly Unconfirmed[], run: { readonly preview: boolean; readonly warn: (message: string) => void }): void {
    if (unconfirmed.length === 0) return;
    if (!run.preview) {
        // RunError: the CLI prints the message alone, without a stack trace.
        throw new pulumi.RunError(
            `pulumi up refused: ${unconfirmed.length} unconfirmed value(s): ${unconfirmed.map((u) => `${PROJECT}:${u.key}`).join(", ")}; ` +
                "`pulumi preview` or `npm run plan` prints the command that confirms each",
        );
    }
    for (const u of unconfirmed) run.warn(`unconfirmed ${PROJECT}:${u.key}: ${u.reason}. Confirm with: ${u.confirm}`);
}

import * as aws from "@pulumi/aws";
import { AccountConfig } from "../config/schema";

/**
 * An explicit provider per system: each pins its region and refuses any other account
 * (`allowedAccountIds`), so a wrong profile fails the preview instead of touching the wrong
 * account. Credentials come from a named profile or an assumed role (CI's OIDC role).
 */
export function accountProvider(name: string, account: AccountConfig, tags: Record<string, string>): aws.Provider {
    return new aws.Provider(name, {
        region: account.region as aws.Region,
        allowedAccountIds: [account.id],
        profile: account.profile,
        assumeRoles: account.assumeRoleArn ? [{ roleArn: account.assumeRoleArn, sessionName: "pulumi-egress-remediation" }] : undefined,
        defaultTags: { tags: { ManagedBy: "pulumi", Project: "egress-remediation", ...tags } },
    });
}

import { AccountData } from "./account";
import { ProviderSettings } from "./provider";

function parseList(value: unknown): string[] | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    if (Array.isArray(value)) return value.map(String);
    try {
        const parsed = JSON.parse(String(value));
        return Array.isArray(parsed) ? parsed.map(String) : [String(value)];
    } catch {
        return [String(value)];
    }
}

/**
 * The region and account of one provider instance, from its `aws:` configuration: the explicit
 * provider's arguments (Configure `args`) or, for the default provider, the stack's `aws:` variables.
 * Refuses, as pulumi-aws does, an account that `allowedAccountIds` does not list.
 */
export function settingsFromConfiguration(args: Record<string, unknown>, variables: Record<string, string>, account: AccountData): ProviderSettings {
    const region = String(args.region ?? variables["aws:config:region"] ?? variables["aws:region"] ?? "");
    if (!region) throw new Error("missing region: set `region` on the provider or `aws:region` in the stack config");
    const accountId = account.accounts[region];
    if (!accountId) throw new Error(`the simulated AWS account file has no account in region ${region} (it has: ${Object.keys(account.accounts).join(", ")})`);
    const allowed = parseList(args.allowedAccountIds ?? variables["aws:config:allowedAccountIds"] ?? variables["aws:allowedAccountIds"]);
    if (allowed && !allowed.includes(accountId)) throw new Error(`AWS account ID not allowed: ${accountId}`);
    return { region, accountId };
}

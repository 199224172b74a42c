import { AccountSession } from "../discover/aws";

/** `ok` holds, `fail` makes the run exit 1, `skip` is a claim the part's stage does not make (said, never failed). */
export type Status = "ok" | "fail" | "skip";

/** What a check is about: the egress path, the App Runner service, the data stores' groups, the ECS services. */
export type Area = "egress" | "appRunner" | "dataStores" | "ecs";

/** One line of the report: what was compared, and the AWS CLI command that shows the live value. */
export interface VerifyCheck {
    readonly area: Area;
    readonly status: Status;
    readonly message: string;
    /** Shows the live value the check read; printed on failed lines, always in `--json`. */
    readonly command?: string;
}

export const ok = (area: Area, message: string, command?: string): VerifyCheck => ({ area, status: "ok", message, command });
export const fail = (area: Area, message: string, command?: string): VerifyCheck => ({ area, status: "fail", message, command });
export const skip = (area: Area, message: string): VerifyCheck => ({ area, status: "skip", message });

/**
 * The `aws` command that reads the same value, for the account's region and profile. An assumed role
 * (`account.assumeRoleArn`) has no command-line flag: the reader assumes it first.
 */
export function awsCommand(session: AccountSession, service: string, operation: string, args: string): string {
    const profile = session.account.profile ? ` --profile ${session.account.profile}` : "";
    return `aws ${service} ${operation} --region ${session.account.region}${profile} ${args}`;
}

/** Two lists of names as a difference: `missing A, B; unexpected C` (names only, never values). */
export function nameDifference(expected: readonly string[], live: readonly string[]): string | undefined {
    const missing = expected.filter((n) => !live.includes(n)).sort();
    const extra = live.filter((n) => !expected.includes(n)).sort();
    const parts = [missing.length ? `missing ${missing.join(", ")}` : "", extra.length ? `unexpected ${extra.join(", ")}` : ""].filter(Boolean);
    return parts.length ? parts.join("; ") : undefined;
}

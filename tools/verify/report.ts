import { Part } from "../../config/stages";
import { Status, VerifyCheck } from "./checks";

export interface PartResult {
    readonly part: Part;
    readonly stage?: string;
    readonly account?: { readonly id: string; readonly region: string };
    readonly checks: readonly VerifyCheck[];
    /** The NAT gateways' public IPs (App Runner part): the address a team gives Twilio or any allow-list. */
    readonly natPublicIps?: readonly string[];
}

const MARK: Record<Status, string> = { ok: "ok  ", fail: "FAIL", skip: "--  " };

export function failedCount(parts: readonly PartResult[]): number {
    return parts.flatMap((p) => p.checks).filter((c) => c.status === "fail").length;
}

/** One line per check; a failed one ends with the command that shows the live value. */
export function textReport(stack: string, parts: readonly PartResult[]): string {
    const lines: string[] = [];
    for (const result of parts) {
        const where = result.account ? `, account ${result.account.id} (${result.account.region})` : "";
        lines.push(`${result.part}${result.stage ? `: stage ${result.stage}` : ""}${where}`);
        for (const check of result.checks) {
            const command = check.status === "fail" && check.command ? `  [${check.command}]` : "";
            lines.push(`  ${MARK[check.status]}  ${check.area}: ${check.message}${command}`);
        }
        if (result.natPublicIps?.length) lines.push(`  NAT public IP(s), the address to give Twilio or any allow-list: ${result.natPublicIps.join(", ")}`);
        lines.push("");
    }
    const counted = parts.flatMap((p) => p.checks).filter((c) => c.status !== "skip").length;
    const failed = failedCount(parts);
    lines.push(failed ? `verify: ${failed} of ${counted} checks failed on stack ${stack}` : `verify: all ${counted} checks hold on stack ${stack}`);
    return lines.join("\n") + "\n";
}

/** The documented `--json` shape (docs/reference/cli.md, "verify"). */
export function jsonReport(stack: string, parts: readonly PartResult[]): string {
    const failed = failedCount(parts);
    return `${JSON.stringify({ stack, ok: failed === 0, failed, parts }, null, 2)}\n`;
}

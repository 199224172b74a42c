import { Discovery, keyOf, Level } from "./findings";
import { unifiedDiff } from "./lineDiff";
import { AppliedChange } from "./stackEdit";
import { Overlap } from "./terraform";
import { describeSecretArguments, secretArguments } from "./secretLooking";

const MARK: Record<Level, string> = { ok: "ok  ", warn: "warn", fail: "FAIL" };

function show(value: unknown): string {
    if (value === undefined) return "(unset)";
    // A command (the file's, or a live one) is printed only when no argument looks secret.
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
        const secret = secretArguments(value);
        if (secret.length) return `(not shown: ${describeSecretArguments(secret)} looks secret)`;
    }
    // Whole, however long: a cut ARN cannot be checked against the console.
    return JSON.stringify(value);
}

export interface ReportInput {
    readonly discovery: Discovery;
    readonly applied: readonly AppliedChange[];
    /** `unverified` entries the reads confirmed, dropped from the file. */
    readonly dropped: readonly string[];
    readonly before: string;
    readonly after: string;
    readonly fileName: string;
    readonly overlaps?: readonly Overlap[];
}

/** The text a reviewer reads: checks, each changed value with its source, the file diff, Terraform hand-over. */
export function report({ discovery, applied, dropped, before, after, fileName, overlaps }: ReportInput): string {
    const lines: string[] = ["Checks:"];
    for (const check of discovery.checks) lines.push(`  ${MARK[check.level]}  ${check.message}`);
    if (discovery.facts.length) {
        lines.push("", "Live facts the stack config has no key for (not written):");
        for (const fact of discovery.facts) lines.push(`  - ${fact}`);
    }
    if (discovery.secretsToCreate.length) {
        lines.push("", "Secret-looking live variables (names only; never copied):");
        for (const s of discovery.secretsToCreate)
            lines.push(`  - ${s.name}: create a secret, then list it under ${keyOf(s.part, s.secretsPath)} (from ${s.source})`);
    }
    lines.push("", applied.length ? `Values to change in ${fileName}:` : `No value in ${fileName} differs from the accounts.`);
    for (const change of applied) {
        const values = change.path.includes("env") ? "" : `: ${show(change.before)} → ${show(change.value)}`;
        lines.push(`  ${keyOf(change.part, change.path)}${values}`, `      from ${change.source}`);
    }
    if (dropped.length) lines.push("", `Confirmed, so dropped from egress-remediation:unverified: ${dropped.join(", ")}`);
    if (discovery.open.length) {
        lines.push("", "Kept in egress-remediation:unverified, with what is still missing:");
        for (const o of discovery.open) lines.push(`  - ${o.key}: ${o.reason}`);
    }
    const diff = unifiedDiff(before, after, fileName);
    if (diff) lines.push("", diff);
    if (overlaps) {
        lines.push(
            "",
            overlaps.length ? "Terraform also manages what this stack adopts:" : "Terraform state: nothing this stack adopts is managed by Terraform.",
        );
        for (const o of overlaps) lines.push(`  - ${o.what}: ${o.address}`);
        if (overlaps.length) {
            lines.push(
                "After the first successful `pulumi up`, in the Terraform configuration's directory (same backend), run:",
                ...overlaps.map((o) => `  ${o.command}`),
                "then delete those resource blocks from the Terraform code (or replace each with a `removed` block with `destroy = false`), so `terraform apply` never recreates or destroys them.",
            );
        }
    }
    return lines.join("\n") + "\n";
}

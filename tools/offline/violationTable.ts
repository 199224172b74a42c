import Table from "cli-table3";
import { Violation } from "./evaluatePolicies";
import { nameFromUrn } from "./readResources";

const ORDER = ["mandatory", "remediate", "advisory", "disabled"];

/** Violations as a readable table, mandatory first; wraps long messages instead of truncating them. */
export function violationTable(violations: readonly Violation[]): string {
    if (violations.length === 0) return "No policy violations.";
    const table = new Table({ head: ["Level", "Policy", "Resource", "Message"], colWidths: [11, 44, 28, 66], wordWrap: true, style: { head: [], border: [] } });
    const sorted = [...violations].sort(
        (a, b) => ORDER.indexOf(a.enforcementLevel) - ORDER.indexOf(b.enforcementLevel) || a.policyName.localeCompare(b.policyName),
    );
    for (const v of sorted) table.push([v.enforcementLevel, v.policyName, v.urn ? nameFromUrn(v.urn) : "(stack)", v.message]);
    return table.toString();
}

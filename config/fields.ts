import { z } from "zod";
import { parseCidr } from "../policies/lib/cidr";
import { fargateMemoryProblem } from "./fargate";

/**
 * Value checks shared by the stack schema that are more than a regex: unique subnet lists,
 * CIDRs that state their prefix length, Fargate task sizes.
 */

/** A list of ids where each may appear once (a repeat would make two resources with one name). */
export function uniqueIds<T extends z.ZodType<string>>(item: T) {
    return z
        .array(item)
        .min(1)
        .superRefine((ids, ctx) => {
            ids.forEach((id, i) => {
                const first = ids.indexOf(id);
                if (first !== i) ctx.addIssue({ code: "custom", path: [i], message: `repeats ${id} (already item ${first}); list each subnet once` });
            });
        });
}

/** A CIDR with an explicit prefix length: `10.40.0.0` alone would silently mean a single address. */
export function cidrWithPrefix(family?: "ipv4") {
    return z.string().superRefine((text, ctx) => {
        const range = parseCidr(text);
        const kind = family === "ipv4" ? "an IPv4 CIDR" : "an IPv4 or IPv6 CIDR";
        if (!range || (family && range.family !== family)) ctx.addIssue({ code: "custom", message: `must be ${kind} such as 10.40.0.0/16` });
        else if (!text.includes("/"))
            ctx.addIssue({ code: "custom", message: `must give a prefix length, such as ${text.trim()}/16 (a bare address is not a CIDR)` });
    });
}

/** Adds an issue on `memory` when AWS Fargate does not offer the task's cpu/memory pair. */
export function fargateSizeCheck(task: { cpu: number; memory: number }, ctx: z.core.$RefinementCtx): void {
    const problem = fargateMemoryProblem(task.cpu, task.memory);
    if (problem) ctx.addIssue({ code: "custom", path: ["memory"], message: problem });
}

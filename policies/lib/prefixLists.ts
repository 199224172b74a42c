import { PolicyResource } from "@pulumi/policy";
import { asArray, known, TYPES } from "./resourceTypes";

/** A prefix list's CIDRs, or undefined while some of them are unknown (a preview). */
export type PrefixListCidrs = string[] | undefined;

/**
 * The managed prefix lists declared in the stack, by id and by URN (ids are unknown before
 * creation), with the entries of `ManagedPrefixList.entries` and of standalone
 * `ManagedPrefixListEntry` resources.
 */
export class PrefixLists {
    private readonly byKey = new Map<string, { cidrs: PrefixListCidrs }>();

    constructor(resources: readonly PolicyResource[]) {
        for (const list of resources.filter((r) => r.type === TYPES.managedPrefixList)) {
            const entries = known(() => asArray(list.props.entries).map((e) => (e as { cidr?: unknown })?.cidr));
            const cidrs = entries && entries.every((c) => typeof c === "string") ? (entries as string[]) : undefined;
            const record = { cidrs };
            this.byKey.set(`urn:${list.urn}`, record);
            const id = known(() => list.props.id);
            if (typeof id === "string") this.byKey.set(`id:${id}`, record);
        }
        for (const entry of resources.filter((r) => r.type === TYPES.managedPrefixListEntry)) {
            const record = this.find(
                known(() => entry.props.prefixListId),
                entry.propertyDependencies?.prefixListId ?? [],
            );
            if (!record) continue;
            const cidr = known(() => entry.props.cidr);
            if (typeof cidr === "string" && record.cidrs) record.cidrs.push(cidr);
            else record.cidrs = undefined;
        }
    }

    /** The CIDRs of the list `id` (or, when the id is unknown, of the list the property depends on); undefined if not in the stack. */
    resolve(id: unknown, dependencies: readonly PolicyResource[]): { cidrs: PrefixListCidrs } | undefined {
        return this.find(id, dependencies);
    }

    private find(id: unknown, dependencies: readonly PolicyResource[]) {
        if (typeof id === "string" && this.byKey.has(`id:${id}`)) return this.byKey.get(`id:${id}`);
        const lists = dependencies.filter((d) => d.type === TYPES.managedPrefixList);
        return lists.length === 1 ? this.byKey.get(`urn:${lists[0].urn}`) : undefined;
    }
}

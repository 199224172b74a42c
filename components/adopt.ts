import * as pulumi from "@pulumi/pulumi";

/**
 * Options for a child that may be a live resource adopted from the hand-built environment:
 * imported by id and protected, so no later change can delete or replace it. With a CLI that
 * includes pulumi/pulumi#19339, an import whose inputs differ succeeds and is followed by an
 * in-place update, so one `pulumi up` adopts and fixes; a change that forces replacement
 * fails on `protect` instead of recreating production.
 * `ignoreChanges` names the properties the live resource keeps as they are (names and
 * descriptions chosen by hand, which would otherwise force a replacement).
 */
export function adoptOptions(parent: pulumi.Resource, importId: string | undefined, ignoreChanges: string[] = []): pulumi.CustomResourceOptions {
    return importId ? { parent, import: importId, protect: true, ignoreChanges } : { parent };
}

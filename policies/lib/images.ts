/**
 * Container image references must pin code: a digest, or a tag that is not a moving alias.
 * "Roll back to revision 8" rolled back nothing in the seeds because revision 8 said `:latest`.
 */

export const MOVING_TAGS = ["latest", "main", "master", "stable", "prod", "production"] as const;

export interface ImageReference {
    readonly repository: string;
    readonly tag?: string;
    readonly digest?: string;
}

export function parseImage(image: string): ImageReference {
    const [withoutDigest, digest] = image.split("@", 2);
    const lastSlash = withoutDigest.lastIndexOf("/");
    const lastColon = withoutDigest.lastIndexOf(":");
    if (lastColon > lastSlash) {
        return { repository: withoutDigest.slice(0, lastColon), tag: withoutDigest.slice(lastColon + 1), digest };
    }
    return { repository: withoutDigest, digest };
}

/** Why an image does not pin its code, or undefined when it does. */
export function unpinnedImageReason(image: unknown): string | undefined {
    if (typeof image !== "string" || image.trim() === "") return `image ${JSON.stringify(image)} is not an image reference`;
    const { tag, digest } = parseImage(image.trim());
    if (digest !== undefined) {
        return /^sha256:[0-9a-f]{64}$/.test(digest) ? undefined : `image "${image}" has a malformed digest (expected sha256:<64 hex>)`;
    }
    if (tag === undefined || tag === "") return `image "${image}" has no tag, so it means :latest`;
    if ((MOVING_TAGS as readonly string[]).includes(tag.toLowerCase())) {
        return `image "${image}" uses the moving tag :${tag}; pin a release tag or a sha256 digest`;
    }
    return undefined;
}

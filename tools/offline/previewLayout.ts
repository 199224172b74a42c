/**
 * How `pulumi preview` prints type tokens: `aws:ec2/securityGroup:SecurityGroup` becomes
 * `aws:ec2:SecurityGroup` when the module's last segment is the camel-cased type name.
 */
export function displayType(token: string): string {
    const [pkg, module, name, ...rest] = token.split(":");
    if (rest.length > 0 || !name) return token;
    const slash = module.lastIndexOf("/");
    if (slash < 0 || module.slice(slash + 1) !== name[0].toLowerCase() + name.slice(1)) return token;
    return `${pkg}:${module.slice(0, slash)}:${name}`;
}

/** Pads every column but the last to its widest cell, two spaces apart, as the preview's table does. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
    const widths: number[] = [];
    for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
    return rows.map((row) =>
        row
            .map((cell, i) => (i === row.length - 1 ? cell : cell + " ".repeat(widths[i] - [...cell].length)))
            .join("  ")
            .trimEnd(),
    );
}

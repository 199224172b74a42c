/**
 * A unified diff of two small texts (a stack file is a few hundred lines): longest common
 * subsequence of lines, then hunks with `context` lines around each change.
 */
export function unifiedDiff(before: string, after: string, label: string, context = 2): string {
    const a = before.split("\n");
    const b = after.split("\n");
    const n = a.length;
    const m = b.length;
    const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
    for (let i = n - 1; i >= 0; i--)
        for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    const ops: { kind: " " | "-" | "+"; line: string; oldNo: number; newNo: number }[] = [];
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] === b[j]) ops.push({ kind: " ", line: a[i], oldNo: ++i, newNo: ++j });
        else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ kind: "-", line: a[i], oldNo: ++i, newNo: j });
        else ops.push({ kind: "+", line: b[j], oldNo: i, newNo: ++j });
    }
    const changed = ops.map((op, k) => (op.kind !== " " ? k : -1)).filter((k) => k >= 0);
    if (changed.length === 0) return "";
    const out = [`--- ${label}`, `+++ ${label} (discovered)`];
    let k = 0;
    while (k < changed.length) {
        const start = Math.max(0, changed[k] - context);
        let end = Math.min(ops.length - 1, changed[k] + context);
        while (k + 1 < changed.length && changed[k + 1] - context <= end + 1) end = Math.min(ops.length - 1, changed[++k] + context);
        k++;
        const hunk = ops.slice(start, end + 1);
        const oldStart = hunk.find((op) => op.kind !== "+")?.oldNo ?? hunk[0].oldNo;
        const newStart = hunk.find((op) => op.kind !== "-")?.newNo ?? hunk[0].newNo;
        const oldCount = hunk.filter((op) => op.kind !== "+").length;
        const newCount = hunk.filter((op) => op.kind !== "-").length;
        out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
        for (const op of hunk) out.push(`${op.kind}${op.line}`);
    }
    return out.join("\n");
}

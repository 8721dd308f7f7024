import type { ImportProgress, ImportSummary } from './importer.js';

const plural = (n: number, word: string, words = `${word}s`): string => `${n} ${n === 1 ? word : words}`;

/** Resources per second, rounded, for the summary and the progress line. */
export function rate(count: number, ms: number): number {
  return ms > 0 ? Math.round((count * 1000) / ms) : 0;
}

/** The end-of-import report: what was loaded by type, then every rejected record with its file, place and reason. */
export function formatImportSummary(summary: ImportSummary): string {
  const total = [...summary.loaded.values()].reduce((a, b) => a + b, 0);
  const lines = [
    `Loaded ${plural(total, 'resource')} from ${plural(summary.files, 'file')} in ${(summary.ms / 1000).toFixed(1)} s ` +
      `(${rate(total, summary.ms)}/s): ${summary.created} new, ${summary.updated} updated, ${summary.unchanged} already up to date.`,
  ];
  if (summary.skippedCopies > 0) {
    lines.push(
      `Skipped ${plural(summary.skippedCopies, 'copy', 'copies')} of organizations/practitioners already stored.`
    );
  }
  const types = [...summary.loaded.entries()].sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(0, ...types.map(([t]) => t.length));
  for (const [type, n] of types) {
    lines.push(`  ${type.padEnd(width)}  ${String(n).padStart(7)}`);
  }
  if (summary.rejected.length > 0) {
    lines.push(`Rejected ${plural(summary.rejected.length, 'record')}:`);
    for (const r of summary.rejected) {
      const at = r.expression.length > 0 ? ` [${r.expression.join(', ')}]` : '';
      lines.push(`  ${r.file} ${r.where}: ${r.reason}${at}`);
    }
  } else {
    lines.push('No records were rejected.');
  }
  return lines.join('\n');
}

/** The short status beside the progress bar or in the periodic progress line. */
export function formatProgressStatus(p: ImportProgress, ms: number): string {
  return `${p.filesDone}/${p.filesTotal} files, ${p.loaded} loaded, ${p.rejected} rejected, ${rate(p.loaded, ms)}/s`;
}

import cliProgress from 'cli-progress';
import { InputError } from '../../errors.ts';
import { BESIDE_SERVER_PACE, BULK_BATCH_SIZE, BULK_CACHE_MIB, runImport, type ImportFormat, type ImportPace, type ImportProgress, type ImportSummary } from '../../import/index.ts';
import { openStore } from '../../store/store.ts';
import { resolveStoreConfig, type StoreConfig } from '../../store/database.ts';
import { serverUsing } from '../../store/sqlite-presence.ts';
import { cliActor } from '../store.ts';

/**
 * What `foedus import FILE` does (declared, with its options, in ../commands/import.ts):
 * streams the file into the store in committed batches, reporting progress on stderr
 * and the summary on stdout.
 */

const FORMAT_LABEL: Record<ImportFormat, string> = {
  ucdp: 'UCDP GED CSV',
  acled: 'ACLED CSV',
  geojson: 'GeoJSON',
  incident: 'incident JSON',
};

export interface ImportCliOptions {
  format?: ImportFormat;
  db?: string;
  strict?: boolean;
  json?: boolean;
  progress: 'auto' | 'bar' | 'json' | 'none';
  batchSize?: number;
}

const n = (x: number) => x.toLocaleString('en');

export function formatSummary(s: ImportSummary, storeDescription: string): string {
  const lines = [
    `Imported ${s.file} (${FORMAT_LABEL[s.format]}${s.strict ? ', strict' : ''}) into ${storeDescription} in ${(s.durationMs / 1000).toFixed(1)} s`,
    `  ${n(s.rows)} rows: ${n(s.imported)} new, ${n(s.updated)} updated, ${n(s.unchanged)} unchanged, ${s.conflicts > 0 ? `${n(s.conflicts)} kept as corrected by hand, ` : ''}${n(s.rejected)} rejected`,
  ];
  if (s.conflicts > 0) {
    lines.push(`  Corrected by hand, so kept as corrected (the source's new row is kept beside each; review them): ${s.conflictIds.slice(0, 20).join(', ')}${s.conflicts > 20 ? `, … ${n(s.conflicts - 20)} more` : ''}`);
  }
  if (s.rejected > 0) {
    lines.push(`  Rejected rows (${s.rejections.length < s.rejected ? `first ${n(s.rejections.length)} of ${n(s.rejected)}` : 'all'}):`);
    for (const r of s.rejections.slice(0, 20)) lines.push(`    ${s.file}:${r.line}  ${r.column ?? '(record)'}: ${r.reason}`);
    if (s.rejected > 20) lines.push(`    … ${n(s.rejected - 20)} more (run with --json for the list of the first ${n(s.rejections.length)})`);
    lines.push('  The other rows were imported. Fix the rejected rows and import the file again: re-importing is idempotent.');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Short transactions while a server uses the same SQLite file (looked at again each second, so a server
 * started mid-import is noticed), large batches otherwise. PostgreSQL's writers lock rows, not the store.
 */
function paceFor(config: StoreConfig): (() => ImportPace | null) | undefined {
  if (config.dialect !== 'sqlite') return undefined;
  let checked = 0;
  let served = false;
  return () => {
    if (performance.now() - checked >= 1000) {
      served = serverUsing(config.path);
      checked = performance.now();
    }
    return served ? BESIDE_SERVER_PACE : null;
  };
}

export async function run(file: string, opts: ImportCliOptions): Promise<void> {
  // A bulk load in a process of its own: large batches and, on SQLite, a cache that holds what a batch changes.
  const config = resolveStoreConfig(opts.db);
  const store = await openStore(config.dialect === 'sqlite' ? { ...config, cacheMiB: BULK_CACHE_MIB } : config);
  const pace = paceFor(config);
  const controller = new AbortController();
  const onSignal = () => controller.abort(new InputError('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const showBar = opts.progress === 'bar' || (opts.progress === 'auto' && process.stderr.isTTY === true);
  let bar: cliProgress.SingleBar | null = null;
  let lastProgress: ImportProgress | null = null;
  const onProgress = (p: ImportProgress) => {
    lastProgress = p;
    if (opts.progress === 'json') {
      process.stderr.write(`${JSON.stringify({ event: 'committed', ...p })}\n`);
    } else if (showBar) {
      const payload = { rows: n(p.rows), imported: n(p.imported), rejected: n(p.rejected) };
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${p.file} |{bar}| {percentage}% | {rows} rows, {imported} new, {rejected} rejected | ETA {eta_formatted}`,
            hideCursor: true,
            etaBuffer: 20,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.bytesTotal ?? 0, 0, payload);
      }
      bar.update(p.bytesRead, payload);
    }
  };
  let summary: ImportSummary;
  try {
    summary = await runImport({
      source: file,
      store,
      actor: cliActor(),
      strict: opts.strict ?? false,
      onProgress,
      ...(opts.progress === 'json' ? { onBatchWritten: (p: ImportProgress) => process.stderr.write(`${JSON.stringify({ event: 'written', ...p })}\n`) } : {}),
      signal: controller.signal,
      ...(opts.format ? { format: opts.format } : {}),
      batchSize: opts.batchSize ?? BULK_BATCH_SIZE,
      ...(pace ? { pace } : {}),
    });
  } catch (err) {
    if (controller.signal.aborted) {
      const p = lastProgress as ImportProgress | null;
      process.stderr.write(
        `\nfoedus: import interrupted; ${opts.strict ? 'nothing was imported (strict)' : `${n(p?.rows ?? 0)} rows were committed`}. Run the same command again to complete it.\n`,
      );
      process.exitCode = 130;
      return;
    }
    throw err;
  } finally {
    (bar as cliProgress.SingleBar | null)?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store.close();
  }
  if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(formatSummary(summary, store.description));
}

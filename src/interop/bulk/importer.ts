import fs from 'node:fs';
import type { Bundle, BundleEntry, OperationOutcome } from '@medplum/fhirtypes';
import { planBundle } from './bundles.js';
import type { ImportEntry } from './entries.js';
import type { ImportFile } from './files.js';
import { readNdjson } from './ndjson.js';
import type { ImportSink } from './sink.js';

/** A record that was not loaded, and why (the store's OperationOutcome text and expression). */
export interface Rejection {
  file: string;
  /** "line 4", "entry 12", or "file" when the file itself could not be read. */
  where: string;
  reason: string;
  expression: string[];
}

/** How far an import has got, reported after every Bundle sent. */
export interface ImportProgress {
  file: string;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  loaded: number;
  rejected: number;
}

/** What an import did. `loaded` counts every record now in the store, new, updated or already identical. */
export interface ImportSummary {
  files: number;
  loaded: Map<string, number>;
  created: number;
  updated: number;
  unchanged: number;
  /** Copies of shared resources (Synthea's Organizations and Practitioners) skipped because they were stored already. */
  skippedCopies: number;
  rejected: Rejection[];
  ms: number;
}

export interface ImportOptions {
  /** Records per transaction for NDJSON and collections, and per batch when a transaction is retried. */
  chunkSize?: number;
  onProgress?: (progress: ImportProgress) => void;
}

/**
 * Loads files into a sink: Bundles as (idempotent) transactions, NDJSON in chunks of PUTs. A transaction
 * that fails is retried entry by entry as a batch, so one bad record rejects only itself; every rejection
 * is kept with its file and line or entry for the summary.
 */
export async function importFiles(
  files: ImportFile[],
  sink: ImportSink,
  options: ImportOptions = {}
): Promise<ImportSummary> {
  return new Importer(sink, files, options).run();
}

class Importer {
  private readonly summary: ImportSummary = {
    files: 0,
    loaded: new Map(),
    created: 0,
    updated: 0,
    unchanged: 0,
    skippedCopies: 0,
    rejected: [],
    ms: 0,
  };
  /** Type/id loaded by this run: a later copy of a shared resource is skipped without asking the store. */
  private readonly seen = new Set<string>();
  private readonly chunkSize: number;
  private bytesDone = 0;
  private readonly bytesTotal: number;
  private loadedCount = 0;
  private file = '';

  constructor(
    private readonly sink: ImportSink,
    private readonly files: ImportFile[],
    private readonly options: ImportOptions
  ) {
    this.chunkSize = options.chunkSize ?? 500;
    this.bytesTotal = files.reduce((n, f) => n + f.bytes, 0);
  }

  async run(): Promise<ImportSummary> {
    const start = performance.now();
    for (const file of this.files) {
      this.file = file.path;
      const before = this.bytesDone;
      if (file.kind === 'ndjson') {
        await this.loadNdjson(file);
      } else {
        await this.loadBundleFile(file);
      }
      this.bytesDone = before + file.bytes;
      this.summary.files++;
      this.progress();
    }
    this.summary.ms = performance.now() - start;
    return this.summary;
  }

  private progress(): void {
    this.options.onProgress?.({
      file: this.file,
      filesDone: this.summary.files,
      filesTotal: this.files.length,
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      loaded: this.loadedCount,
      rejected: this.summary.rejected.length,
    });
  }

  private reject(where: string, reason: string, expression: string[] = []): void {
    this.summary.rejected.push({ file: this.file, where, reason, expression });
  }

  private async loadBundleFile(file: ImportFile): Promise<void> {
    let value: unknown;
    try {
      value = JSON.parse(await fs.promises.readFile(file.path, 'utf8'));
    } catch (err) {
      this.reject('file', `cannot read it as JSON: ${(err as Error).message}`);
      return;
    }
    const plan = planBundle(value);
    if (typeof plan === 'string') {
      this.reject('file', plan);
      return;
    }
    // A transaction Bundle is all-or-nothing by intent and is sent whole; a collection may be chunked.
    const size = plan.atomic ? Math.max(plan.entries.length, 1) : this.chunkSize;
    for (let i = 0; i < plan.entries.length; i += size) {
      await this.load(plan.entries.slice(i, i + size), plan.mode);
    }
  }

  private async loadNdjson(file: ImportFile): Promise<void> {
    const start = this.bytesDone;
    let chunk: ImportEntry[] = [];
    const targets = new Set<string>();
    for await (const record of readNdjson(file.path)) {
      // The same resource twice in one transaction is an error; start a new one instead.
      if (chunk.length >= this.chunkSize || (record.entry.target && targets.has(record.entry.target))) {
        await this.load(chunk, 'transaction');
        this.bytesDone = start + record.bytesRead;
        chunk = [];
        targets.clear();
      }
      chunk.push(record.entry);
      if (record.entry.target) {
        targets.add(record.entry.target);
      }
    }
    await this.load(chunk, 'transaction');
  }

  /** Sends one group of entries: as a transaction, or entry by entry when that fails or for a batch file. */
  private async load(entries: ImportEntry[], mode: 'transaction' | 'batch'): Promise<void> {
    const ready: ImportEntry[] = [];
    for (const e of entries) {
      if (e.problem) {
        this.reject(e.where, e.problem);
      } else {
        ready.push(e);
      }
    }
    const toSend = await this.withoutStoredCopies(ready);
    if (toSend.length === 0) {
      return;
    }
    if (mode === 'transaction') {
      const result = await this.sink.submit(bundleOf('transaction', toSend));
      if (result.ok) {
        this.record(toSend, result.response);
        this.progress();
        return;
      }
    }
    for (let i = 0; i < toSend.length; i += this.chunkSize) {
      await this.loadBatch(toSend.slice(i, i + this.chunkSize));
    }
    this.progress();
  }

  private async loadBatch(entries: ImportEntry[]): Promise<void> {
    const result = await this.sink.submit(bundleOf('batch', entries));
    if (!result.ok) {
      // The Bundle as a whole was refused (unknown practice, too large...): each record shares the reason.
      for (const e of entries) {
        this.rejectWith(e.where, result.outcome);
      }
      return;
    }
    const ok: ImportEntry[] = [];
    const okResponses: BundleEntry[] = [];
    (result.response.entry ?? []).forEach((res, i) => {
      const e = entries[i];
      if (/^2/.test(res.response?.status ?? '')) {
        ok.push(e);
        okResponses.push(res);
      } else if (res.response?.outcome) {
        this.rejectWith(e.where, res.response.outcome);
      } else {
        this.reject(e.where, `the server answered ${res.response?.status ?? 'nothing'}`);
      }
    });
    this.record(ok, { resourceType: 'Bundle', type: 'batch-response', entry: okResponses });
  }

  private rejectWith(where: string, outcome: OperationOutcome): void {
    const issues = outcome.issue ?? [];
    const reason = issues.map((i) => i.details?.text ?? i.diagnostics ?? i.code).join('; ') || 'rejected';
    this.reject(
      where,
      reason,
      issues.flatMap((i) => i.expression ?? [])
    );
  }

  /**
   * Drops copies of shared resources that this run loaded already or the store holds (see
   * ImportEntry.referenceCopy). References to them were rewritten to Type/id, so they still resolve.
   */
  private async withoutStoredCopies(entries: ImportEntry[]): Promise<ImportEntry[]> {
    const unknown = new Map<string, string[]>();
    for (const e of entries) {
      if (e.referenceCopy && e.target && !this.seen.has(e.target)) {
        const [type, id] = e.target.split('/');
        unknown.set(type, [...(unknown.get(type) ?? []), id]);
      }
    }
    for (const [type, ids] of unknown) {
      for (const id of await this.sink.existing(type, ids)) {
        this.seen.add(`${type}/${id}`);
      }
    }
    return entries.filter((e) => {
      const skip = e.referenceCopy && e.target !== undefined && this.seen.has(e.target);
      if (skip) {
        this.summary.skippedCopies++;
      }
      return !skip;
    });
  }

  /** Counts what a successful response says was written: 201 new, 200 with a location updated, else unchanged. */
  private record(entries: ImportEntry[], response: Bundle): void {
    const responses = response.entry ?? [];
    entries.forEach((e, i) => {
      const method = e.entry.request?.method;
      const type = e.entry.resource?.resourceType;
      if (e.target) {
        this.seen.add(e.target);
      }
      if ((method !== 'PUT' && method !== 'POST') || !type) {
        return;
      }
      const res = responses[i]?.response;
      if (res?.status.startsWith('201')) {
        this.summary.created++;
      } else if (res?.location) {
        this.summary.updated++;
      } else {
        // An update with identical content writes no version and answers without a location.
        this.summary.unchanged++;
      }
      this.summary.loaded.set(type, (this.summary.loaded.get(type) ?? 0) + 1);
      this.loadedCount++;
    });
  }
}

function bundleOf(type: 'transaction' | 'batch', entries: ImportEntry[]): Bundle {
  return { resourceType: 'Bundle', type, entry: entries.map((e) => e.entry) };
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { Database } from '../../src/store/db.js';

// A database that is never reached by these requests (only static files and not-found answers).
const noDatabase = {
  engine: 'pglite',
  query: () => Promise.reject(new Error('not used')),
  transaction: () => Promise.reject(new Error('not used')),
  close: () => Promise.resolve(),
} as unknown as Database;

describe('serving the web app', () => {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-dist-'));
  fs.mkdirSync(path.join(dist, 'assets'));
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>medassist app</title>');
  fs.writeFileSync(path.join(dist, 'assets', 'main-abc123.js'), 'console.log(1)');
  const app = buildApp({
    db: noDatabase,
    webDist: dist,
    config: { practice: 'demo', bodyLimit: 1024, logLevel: 'silent' },
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at / and for client-side routes, never cached', async () => {
    const home = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html' } });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('medassist app');
    expect(home.headers['cache-control']).toBe('no-cache');
    const chart = await app.inject({
      method: 'GET',
      url: '/patients/demo-pat-0001',
      headers: { accept: 'text/html' },
    });
    expect(chart.statusCode).toBe(200);
    expect(chart.body).toContain('medassist app');
  });

  it('serves hashed assets with a long cache life', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/main-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toContain('immutable');
  });

  it('answers unknown API paths and non-HTML requests with an OperationOutcome, not the app', async () => {
    const api = await app.inject({ method: 'GET', url: '/fhir/nothing', headers: { accept: 'text/html' } });
    expect(api.statusCode).toBe(404);
    expect(JSON.parse(api.body).resourceType).toBe('OperationOutcome');
    const json = await app.inject({
      method: 'GET',
      url: '/missing.json',
      headers: { accept: 'application/json' },
    });
    expect(json.statusCode).toBe(404);
    expect(JSON.parse(json.body).resourceType).toBe('OperationOutcome');
  });
});

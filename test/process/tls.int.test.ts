/**
 * ONC 170.315(d)(9) on the real server: `medassist serve --tls-cert --tls-key` speaks TLS 1.2 or later only,
 * negotiates only AEAD cipher suites for TLS 1.2 (NIST SP 800-52r2 3.3.1), and sends HSTS. The certificate is
 * a throwaway self-signed one made with the openssl command.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, stop, type RunningServer } from './serverProcess.js';

const PORT = 18491;

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const OPENSSL = hasOpenssl();
if (!OPENSSL) {
  console.warn('tls.int.test.ts: the openssl command is missing, so no certificate can be made: skipped');
}

interface Handshake {
  protocol?: string | null;
  cipher?: string;
  error?: string;
}

/** Opens a TLS connection with the given client limits and reports what was agreed, or the error code. */
function handshake(ca: Buffer, options: tls.ConnectionOptions): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = tls.connect(
      { host: '127.0.0.1', port: PORT, servername: 'localhost', ca, ...options },
      () => {
        const result = { protocol: socket.getProtocol(), cipher: socket.getCipher().name };
        socket.end();
        resolve(result);
      }
    );
    socket.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

describe.skipIf(!OPENSSL)('serve over TLS (ONC (d)(9))', () => {
  let dir: string;
  let cert: Buffer;
  let server: RunningServer;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medassist-tls-'));
    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    // An RSA certificate for 127.0.0.1 and localhost, valid for two days (-nodes: the key is not encrypted).
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'ignore' }
    );
    cert = fs.readFileSync(certFile);
    server = await startServer(
      ['--database', 'pglite:memory', '--tls-cert', certFile, '--tls-key', keyFile],
      PORT,
      {},
      { https: { ca: cert } }
    );
  }, 300_000);

  afterAll(async () => {
    if (server) {
      await stop(server);
    }
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers HTTPS with a verified certificate and Strict-Transport-Security', async () => {
    const answer = await new Promise<{ status?: number; hsts?: string; body: string }>((resolve, reject) => {
      https
        .get(`https://127.0.0.1:${PORT}/healthz`, { ca: cert }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode,
              hsts: res.headers['strict-transport-security'],
              body,
            })
          );
        })
        .on('error', reject);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'ok' });
    // RFC 6797: max-age of at least a year is what HSTS preload lists and OWASP ask for.
    const maxAge = Number(/max-age=(\d+)/.exec(answer.hsts ?? '')?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(31_536_000);
  });

  it('refuses a client that speaks at most TLS 1.1', async () => {
    // minVersion TLSv1 lets the client offer TLS 1.0-1.1; the server answers with a protocol_version alert.
    const result = await handshake(cert, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
    expect(result.protocol).toBeUndefined();
    expect(result.error).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
  });

  it('negotiates TLS 1.3 by default and an AEAD suite when the client stops at TLS 1.2', async () => {
    expect(await handshake(cert, {})).toMatchObject({ protocol: 'TLSv1.3' });
    const tls12 = await handshake(cert, { maxVersion: 'TLSv1.2' });
    expect(tls12.protocol).toBe('TLSv1.2');
    expect(tls12.cipher).toMatch(/^ECDHE-(RSA|ECDSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
  });

  it.each([
    'AES128-SHA',
    'AES256-SHA256',
    'ECDHE-RSA-AES128-SHA',
    'ECDHE-RSA-AES256-SHA384',
    'AES128-GCM-SHA256', // AEAD, but RSA key exchange: no forward secrecy
  ])('refuses a TLS 1.2 client offering only %s', async (cipher) => {
    const result = await handshake(cert, { maxVersion: 'TLSv1.2', ciphers: cipher });
    expect(result.protocol).toBeUndefined();
    expect(result.error).toBe('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
  });

  it('accepts each AEAD suite an RSA certificate can use', async () => {
    for (const cipher of [
      'ECDHE-RSA-AES128-GCM-SHA256',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-RSA-CHACHA20-POLY1305',
    ]) {
      expect(await handshake(cert, { maxVersion: 'TLSv1.2', ciphers: cipher })).toEqual({
        protocol: 'TLSv1.2',
        cipher,
      });
    }
  });
});

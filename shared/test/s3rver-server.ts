import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The credentials s3rver's built-in account accepts. */
export const s3rverCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3rverServer {
  /** `http://127.0.0.1:<port>`, for `endpoint` with `forcePathStyle: true`. */
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps the bucket's files, to check what a test left on disk. */
  directory: string;
  close(): Promise<void>;
}

const startTimeoutMs = 15_000;

// Runs in the child. It exits when its stdin closes, so a test run that dies cannot leave it behind.
const childScript = `
const [s3rverPath, optionsJson] = process.argv.slice(1);
const S3rver = require(s3rverPath);
new S3rver(JSON.parse(optionsJson)).run().then(
  ({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'),
  (err) => { console.error(err); process.exit(1); },
);
process.stdin.on('end', () => process.exit(0)).resume();
`;

/**
 * Starts a real S3 server (s3rver 3.7) on a free loopback port, with one empty bucket in a fresh temp
 * folder. It speaks the S3 REST API, checks presigned URLs' expiry, but does not verify SigV4 signatures.
 *
 * It runs in a child process started with `--openssl-legacy-provider`: s3rver encrypts ListObjectsV2
 * continuation tokens with DES, which OpenSSL 3 (Node 17+) refuses by default, so in-process it answers
 * 500 InternalError to every listing that needs a second page.
 */
export async function startS3rver(bucket = 'shotfarm-test'): Promise<S3rverServer> {
  const directory = await mkdtemp(join(tmpdir(), 'shotfarm-s3rver-'));
  const s3rverPath = createRequire(import.meta.url).resolve('s3rver');
  const options = { address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] };
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', childScript, s3rverPath, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`s3rver did not start in ${startTimeoutMs} ms: ${stderr}`)), startTimeoutMs);
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const line = stdout.split('\n')[0];
        if (stdout.includes('\n') && line) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { port: number }).port);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited with code ${code}: ${stderr}`));
      });
    });
  } catch (err) {
    child.kill();
    await rm(directory, { recursive: true, force: true });
    throw err;
  }

  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    directory,
    close: async () => {
      child.stdin.end();
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

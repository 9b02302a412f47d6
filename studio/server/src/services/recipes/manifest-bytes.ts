import { createHash } from 'node:crypto';
import type { RecipeManifest } from '@shotfarm/shared';

/** A manifest as stored: published versions and trial snapshots alike, so one manifest always hashes the same. */
export const manifestBytes = (m: RecipeManifest): Buffer => Buffer.from(`${JSON.stringify(m, null, 2)}\n`);

/** The hex SHA-256 that names stored manifest bytes (`manifestSha256`, a trial's snapshot key). */
export const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

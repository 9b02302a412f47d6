import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { UserDirectory, UserRow } from './users.ts';

/** What the first start did about the first admin. */
export type FirstAdmin =
  | { created: false }
  /** `generatedPassword`: set when no SHOTFARM_ADMIN_PASSWORD was given; also written to `passwordFile`. */
  | { created: true; user: UserRow; generatedPassword?: string; passwordFile?: string };

export const initialAdminPasswordFile = 'initial-admin-password';

/**
 * On a database without users, create one admin: from SHOTFARM_ADMIN_EMAIL / SHOTFARM_ADMIN_PASSWORD, or
 * admin@localhost with a generated password written to `$DATA_DIR/initial-admin-password` (mode 0600), so a fresh
 * `npm start` leads straight into the studio. Does nothing once any user exists.
 */
export async function ensureFirstAdmin(users: UserDirectory, opts: { email: string; password: string | undefined; dataDir: string }): Promise<FirstAdmin> {
  if (await users.count() > 0) return { created: false };
  if (opts.password !== undefined) {
    return { created: true, user: await users.create({ email: opts.email, password: opts.password, roles: ['admin'] }) };
  }
  // 18 random bytes → 24 base64url characters: long enough, and easy to copy from a terminal.
  const generatedPassword = randomBytes(18).toString('base64url');
  const user = await users.create({ email: opts.email, password: generatedPassword, roles: ['admin'] });
  await mkdir(opts.dataDir, { recursive: true });
  const passwordFile = path.join(opts.dataDir, initialAdminPasswordFile);
  await writeFile(passwordFile, `${generatedPassword}\n`, { mode: 0o600 });
  await chmod(passwordFile, 0o600); // a file left from an earlier database keeps its mode otherwise
  return { created: true, user, generatedPassword, passwordFile };
}

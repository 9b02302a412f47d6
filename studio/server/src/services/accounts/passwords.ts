import { hash, verify } from '@node-rs/argon2';

// argon2id (the library's default algorithm; its const enum cannot be imported under verbatimModuleSyntax) with the
// library's defaults (19 MiB, 2 passes, 1 lane: OWASP's recommended minimum), stored as a PHC string that carries its
// own parameters, so raising them later still verifies the old hashes. accounts.int.test.ts checks the stored
// hash is `$argon2id$v=19$m=19456,t=2,p=1$…`.
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

/** A hash of a password nobody knows, verified against when the email is unknown so both cases take as long. */
let decoy: Promise<string> | undefined;

/** Whether `password` matches `passwordHash`; with no hash (unknown account) it still spends the same time and says no. */
export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (passwordHash === undefined) {
    decoy ??= hashPassword(crypto.randomUUID());
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

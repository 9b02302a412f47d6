import { createHmac, timingSafeEqual } from 'node:crypto';

/** Short secrets can be brute-forced offline from a single leaked URL. */
export const minSecretBytes = 16;

const signaturePattern = /^[0-9a-f]{64}$/;

/**
 * Signs and checks the expiring links FolderStorage hands out (`/files/<key>?exp=…&sig=…`), so the API
 * can serve a file to whoever holds the link without a session. HMAC-SHA256 over the key and the expiry
 * time: changing either invalidates the signature.
 */
/**
 * The expiry a URL asked for now with `ttlS` gets: rounded up to a quarter of the TTL, so every URL for one key
 * signed within that quarter is the same string and the browser's cache keeps the file (a gallery re-fetching
 * its list on each progress tick would otherwise reload every thumbnail). The URL lives at least `ttlS` seconds.
 */
export function stableExpiryS(nowS: number, ttlS: number): number {
  const bucketS = Math.max(1, Math.floor(ttlS / 4));
  return Math.ceil((nowS + Math.ceil(ttlS)) / bucketS) * bucketS;
}

export class UrlSigner {
  readonly #secret: Buffer;

  /** @param secret - at least {@link minSecretBytes} bytes; every process that verifies must share it. */
  constructor(secret: string | Buffer) {
    this.#secret = Buffer.from(secret);
    if (this.#secret.length < minSecretBytes) {
      throw new RangeError(`UrlSigner needs a secret of at least ${minSecretBytes} bytes`);
    }
  }

  /** The lowercase hex signature of `key` valid until `expiresAtS` (unix seconds). */
  sign(key: string, expiresAtS: number): string {
    if (!Number.isSafeInteger(expiresAtS) || expiresAtS < 0) {
      throw new RangeError(`expiresAtS must be a non-negative integer, got ${expiresAtS}`);
    }
    return this.#mac(key, expiresAtS).toString('hex');
  }

  /**
   * Whether `signature` was made by {@link UrlSigner.sign} for this key and time, and `nowS` is still
   * before `expiresAtS`. Answers `false`, never throws, for anything malformed: it is fed raw query strings.
   *
   * @param nowS - the current unix time in seconds. @defaultValue `Math.floor(Date.now() / 1000)`
   */
  verify(key: string, expiresAtS: number, signature: string, nowS = Math.floor(Date.now() / 1000)): boolean {
    if (!Number.isSafeInteger(expiresAtS) || expiresAtS < 0) return false;
    if (!(nowS < expiresAtS)) return false;
    // Buffer.from(_, 'hex') silently drops what it cannot parse, so the shape is checked first.
    if (!signaturePattern.test(signature)) return false;
    return timingSafeEqual(Buffer.from(signature, 'hex'), this.#mac(key, expiresAtS));
  }

  #mac(key: string, expiresAtS: number): Buffer {
    // The expiry is digits only, so the last newline separates the two fields whatever the key holds.
    return createHmac('sha256', this.#secret).update(`${key}\n${expiresAtS}`, 'utf8').digest();
  }
}

/** Printable ASCII, no leading space, as short as any real MIME type with parameters. */
const contentTypePattern = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;

/**
 * Refuses a content type that could not be replayed as an HTTP header. Both drivers serve it back
 * verbatim, and a CR or LF in it would be a header-injection bug waiting for the first caller that
 * trusts a client's `Content-Type`.
 */
export function assertValidContentType(contentType: string): void {
  if (!contentTypePattern.test(contentType)) {
    throw new RangeError(`content type ${JSON.stringify(contentType)} is not a printable header value`);
  }
}

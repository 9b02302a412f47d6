/**
 * A recipe file that cannot be offered: unreadable, not JSON, not a valid manifest, or filed under the wrong
 * path. Thrown at boot, so a farm never starts with half its recipes; `file` and `issues` say what to fix.
 */
export class RecipeManifestError extends Error {
  override readonly name = 'RecipeManifestError';
  constructor(readonly file: string, readonly issues: readonly string[], options?: ErrorOptions) {
    super(`recipe manifest ${file} is invalid:\n${issues.map((i) => `  - ${i}`).join('\n')}`, options);
  }
}

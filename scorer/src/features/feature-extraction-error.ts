/** Why an image could not be scored. Plain strings: the shared error-code list registers them centrally. */
export type FeatureExtractionErrorCode =
  /** The bytes are not an image sharp can read, or the image is truncated or damaged. */
  | 'SF_SCORE_IMAGE_UNREADABLE'
  /** The image declares more pixels than {@link maxInputPixels} (decompression-bomb guard). */
  | 'SF_SCORE_IMAGE_TOO_LARGE';

/**
 * The one failure the feature extractor throws: every decode problem becomes one of two codes, so a score worker
 * can record the code on the asset and fail the task without retrying (the same bytes fail the same way).
 */
export class FeatureExtractionError extends Error {
  readonly code: FeatureExtractionErrorCode;

  constructor(code: FeatureExtractionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeatureExtractionError';
    this.code = code;
  }
}

/**
 * Every machine-readable error code Shotfarm answers or records, one comment each.
 * The API's error bodies, task failures in the database and the web app's messages all key on these.
 */
export const ErrorCodes = {
  // — request shape —
  /** The body, query or params did not match the route's schema; `details` lists each field. */
  SF_REQUEST_INVALID: 'SF_REQUEST_INVALID',
  /** No route matches the method and path. */
  SF_ROUTE_NOT_FOUND: 'SF_ROUTE_NOT_FOUND',
  /** An unexpected failure inside the API; the log has the cause. */
  SF_INTERNAL: 'SF_INTERNAL',

  // — uploads —
  /** The bytes are not an image format we accept (sniffed from the content, not the name). */
  SF_UPLOAD_NOT_IMAGE: 'SF_UPLOAD_NOT_IMAGE',
  /** The image is truncated or otherwise cannot be decoded. */
  SF_UPLOAD_CORRUPT: 'SF_UPLOAD_CORRUPT',
  /** The upload is larger than UPLOAD_MAX_BYTES. */
  SF_UPLOAD_TOO_LARGE: 'SF_UPLOAD_TOO_LARGE',
  /** The image header declares more pixels than UPLOAD_MAX_PIXELS (decompression-bomb guard). */
  SF_UPLOAD_TOO_MANY_PIXELS: 'SF_UPLOAD_TOO_MANY_PIXELS',
  /** The multipart request has no `file` field. */
  SF_UPLOAD_MISSING_FILE: 'SF_UPLOAD_MISSING_FILE',
  /** The file name carries a path (`/`, `\`, `..`) or control characters. */
  SF_UPLOAD_BAD_FILENAME: 'SF_UPLOAD_BAD_FILENAME',

  // — assets and files —
  /** No asset with this id. */
  SF_ASSET_NOT_FOUND: 'SF_ASSET_NOT_FOUND',
  /** A signed file URL whose signature is wrong or whose time has passed. */
  SF_URL_SIGNATURE_INVALID: 'SF_URL_SIGNATURE_INVALID',
  /** The object is not in storage. */
  SF_OBJECT_NOT_FOUND: 'SF_OBJECT_NOT_FOUND',
  /** A storage key that would escape the storage root or is otherwise malformed. */
  SF_STORAGE_KEY_INVALID: 'SF_STORAGE_KEY_INVALID',

  // — jobs —
  /** No recipe with this id (or not of the job's type). */
  SF_RECIPE_UNKNOWN: 'SF_RECIPE_UNKNOWN',
  /** A recipe parameter is unknown, of the wrong type or out of range; `details` names it. */
  SF_JOB_PARAMS_INVALID: 'SF_JOB_PARAMS_INVALID',
  /** A required input is missing, or an input names an asset that does not exist or is of the wrong kind. */
  SF_JOB_INPUT_INVALID: 'SF_JOB_INPUT_INVALID',
  /** No configured backend can run this recipe; `details.backends` names those that could. */
  SF_BACKEND_REQUIRED: 'SF_BACKEND_REQUIRED',
  /** No job with this id. */
  SF_JOB_NOT_FOUND: 'SF_JOB_NOT_FOUND',
  /** The job has already finished and cannot be canceled. */
  SF_JOB_FINISHED: 'SF_JOB_FINISHED',

  // — render tasks (recorded on the task, never an HTTP answer) —
  /** The product photo's background is too busy to separate the product from it. */
  SF_RENDER_BACKGROUND_TOO_BUSY: 'SF_RENDER_BACKGROUND_TOO_BUSY',
  /** An input image could not be read by the renderer. */
  SF_RENDER_INPUT_UNREADABLE: 'SF_RENDER_INPUT_UNREADABLE',
  /** The task was canceled while it ran. */
  SF_RENDER_CANCELED: 'SF_RENDER_CANCELED',
  /** The task payload did not match the render-task contract. */
  SF_RENDER_TASK_INVALID: 'SF_RENDER_TASK_INVALID',
  /** The worker has no backend for the task's recipe. */
  SF_RENDER_NO_BACKEND: 'SF_RENDER_NO_BACKEND',
  /** An unexpected renderer failure; the message has the cause. */
  SF_RENDER_FAILED: 'SF_RENDER_FAILED',

  // — scoring —
  /** The image cannot be decoded for scoring. */
  SF_SCORE_IMAGE_UNREADABLE: 'SF_SCORE_IMAGE_UNREADABLE',
  /** The image has more pixels than the scorer decodes. */
  SF_SCORE_IMAGE_TOO_LARGE: 'SF_SCORE_IMAGE_TOO_LARGE',
  /** No CTR model is active yet. */
  SF_SCORE_NO_MODEL: 'SF_SCORE_NO_MODEL',
  /** An unexpected scorer failure; the message has the cause. */
  SF_SCORE_FAILED: 'SF_SCORE_FAILED',
  /** The gate profile named in the request does not exist. */
  SF_GATE_PROFILE_UNKNOWN: 'SF_GATE_PROFILE_UNKNOWN',

  // — start-up —
  /** A configuration variable has a bad value; the message names each one. */
  SF_CONFIG_INVALID: 'SF_CONFIG_INVALID',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

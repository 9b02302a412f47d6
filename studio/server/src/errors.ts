import createError from '@fastify/error';

// Every HTTP failure of the API, made once, code first. The error handler answers `{ code, message, details? }`.
// `details` travels on the instance (see `withDetails`) so a client can point at the field.

export const UploadNotImageError = createError<[string]>('SF_UPLOAD_NOT_IMAGE', 'the upload is not an image we accept (%s)', 415);
export const UploadCorruptError = createError<[string]>('SF_UPLOAD_CORRUPT', 'the image cannot be decoded: %s', 422);
export const UploadTooLargeError = createError<[number]>('SF_UPLOAD_TOO_LARGE', 'the upload is larger than %d bytes', 413);
export const UploadTooManyPixelsError = createError<[number, number, number]>('SF_UPLOAD_TOO_MANY_PIXELS', 'the image is %d×%d pixels, more than the %d allowed', 413);
export const UploadMissingFileError = createError('SF_UPLOAD_MISSING_FILE', 'send the image as the multipart field "file"', 400);
export const UploadBadFilenameError = createError<[string]>('SF_UPLOAD_BAD_FILENAME', 'file name %s must not contain a path, control or bidirectional-text characters, nor be longer than 255 bytes', 400);

export const UploadTooCostlyError = createError<[number, number, number, number]>('SF_UPLOAD_TOO_COSTLY', 'decoding this %d×%d image needs about %d MB, more than the %d MB allowed', 413);
export const UploadHeicUnsupportedError = createError('SF_UPLOAD_HEIC_UNSUPPORTED', 'HEIC/HEIF photos cannot be decoded here: export the photo as JPEG and upload that', 415);
export const UploadTooManyFilesError = createError('SF_UPLOAD_TOO_MANY_FILES', 'send exactly one file per request (multipart field "file")', 400);

export const RequestTooDeepError = createError<[number]>('SF_REQUEST_TOO_DEEP', 'the JSON is nested more than %d levels deep', 400);
export const HostNotAllowedError = createError<[string]>('SF_HOST_NOT_ALLOWED', 'this server does not answer for host %s', 421);
export const IdempotencyKeyInvalidError = createError('SF_IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1 to 255 printable ASCII characters', 400);
export const IdempotencyKeyReusedError = createError('SF_IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request body', 422);
export const IdempotencyInProgressError = createError('SF_IDEMPOTENCY_IN_PROGRESS', 'a request with this Idempotency-Key is still being processed; retry shortly', 409);

export const AssetNotFoundError = createError<[string]>('SF_ASSET_NOT_FOUND', 'asset %s does not exist', 404);
export const UrlSignatureInvalidError = createError('SF_URL_SIGNATURE_INVALID', 'the link is invalid or has expired', 403);
export const AssetCursorInvalidError = createError('SF_CURSOR_INVALID', 'the cursor does not belong to this sort order: send back the nextCursor of a page with the same sort', 400);
export const ObjectNotFoundError = createError('SF_OBJECT_NOT_FOUND', 'the object does not exist', 404);

export const RecipeUnknownError = createError<[string]>('SF_RECIPE_UNKNOWN', '%s', 422);
export const JobParamsInvalidError = createError<[string]>('SF_JOB_PARAMS_INVALID', '%s', 422);
export const JobInputInvalidError = createError<[string]>('SF_JOB_INPUT_INVALID', '%s', 422);
export const BackendRequiredError = createError<[string]>('SF_BACKEND_REQUIRED', '%s', 422);

export const WorkflowInvalidError = createError<[string]>('SF_WORKFLOW_INVALID', '%s', 422);
export const WorkflowTooLargeError = createError<[string]>('SF_WORKFLOW_TOO_LARGE', '%s', 413);
export const WorkflowTooComplexError = createError<[string]>('SF_WORKFLOW_TOO_COMPLEX', '%s', 422);
export const WorkflowNodesUnknownError = createError<[string]>('SF_WORKFLOW_NODES_UNKNOWN', '%s', 422);

// The learning loop (issue 17).
export const TrainingDataInvalidError = createError<[string]>('SF_TRAINING_DATA_INVALID', '%s', 422);
export const ModelNotFoundError = createError<[string, number]>('SF_MODEL_NOT_FOUND', 'model %s has no version %d', 404);
export const ModelTrainingDataShortError = createError<[string]>('SF_MODEL_TRAINING_DATA_SHORT', '%s', 422);
export const ModelNotBetterError = createError<[string]>('SF_MODEL_NOT_BETTER', '%s', 409);
export const ModelIsActiveError = createError<[string]>('SF_MODEL_IS_ACTIVE', '%s is the active version: it cannot also be in shadow', 409);
export const TrainRunNotFoundError = createError<[string]>('SF_MODEL_NOT_FOUND', 'retraining run %s is not known (finished runs are kept 7 days)', 404);

// Recipe workshop (issue 13).
export const RecipeDraftNotFoundError = createError<[string]>('SF_RECIPE_DRAFT_NOT_FOUND', 'recipe draft %s does not exist (never imported, or expired)', 404);
export const RecipeDraftInvalidError = createError<[string]>('SF_RECIPE_DRAFT_INVALID', 'the draft is not a valid recipe: %s', 422);
export const RecipeVersionNotFoundError = createError<[string]>('SF_RECIPE_VERSION_NOT_FOUND', 'recipe version %s has not been published', 404);
export const RecipeVersionDeprecatedError = createError<[string]>('SF_RECIPE_VERSION_DEPRECATED', '%s', 422);
export const RecipeTrialServerUnableError = createError<[string]>('SF_RECIPE_TRIAL_SERVER_UNABLE', '%s', 422);

export const WebhookSignatureInvalidError = createError('SF_WEBHOOK_SIGNATURE_INVALID', 'the webhook signature headers are missing or no signature matches', 401);
export const WebhookTimestampInvalidError = createError('SF_WEBHOOK_TIMESTAMP_INVALID', 'the webhook timestamp is not within 5 minutes of now', 401);
export const WebhookBodyInvalidError = createError<[string]>('SF_REQUEST_INVALID', 'the webhook body is not a prediction: %s', 400);
export const JobSweepInvalidError = createError<[string]>('SF_JOB_SWEEP_INVALID', '%s', 422);
export const JobNotFoundError = createError<[string]>('SF_JOB_NOT_FOUND', 'job %s does not exist', 404);
export const JobFinishedError = createError<[string, string]>('SF_JOB_FINISHED', 'job %s has already %s', 409);
export const JobNotFinishedError = createError<[string, string]>('SF_JOB_NOT_FINISHED', 'job %s is still %s: retry its failed tasks once it has finished', 409);
export const BudgetExceededError = createError<[string]>('SF_BUDGET_EXCEEDED', '%s', 402);
export const PriceBookInvalidError = createError<[string]>('SF_PRICE_BOOK_INVALID', '%s', 422);
export const JobNothingToRetryError = createError<[string]>('SF_JOB_NOTHING_TO_RETRY', 'job %s has no failed tasks to retry', 409);

export const GateProfileUnknownError = createError<[string, string]>('SF_GATE_PROFILE_UNKNOWN', 'gate profile "%s" does not exist (known: %s)', 422);

export const UnauthenticatedError = createError('SF_UNAUTHENTICATED', 'sign in, or send an API key as "Authorization: Bearer sf_…"', 401);
export const ForbiddenError = createError<[string]>('SF_FORBIDDEN', '%s', 403);
export const TooManyAttemptsError = createError<[number]>('SF_TOO_MANY_ATTEMPTS', 'too many failed logins: try again in %d seconds', 429);
export const LoginFailedError = createError('SF_LOGIN_FAILED', 'the email or password is wrong', 401);
export const EmailTakenError = createError<[string]>('SF_EMAIL_TAKEN', 'another account already uses %s', 409);
export const UserNotFoundError = createError<[string]>('SF_USER_NOT_FOUND', 'user %s does not exist', 404);
export const LastAdminError = createError('SF_LAST_ADMIN', 'this is the last active admin: it cannot lose the admin role or be disabled', 409);
export const KeyRolesExceedError = createError<[string]>('SF_KEY_ROLES_EXCEED', '%s', 403);
export const ApiKeyNotFoundError = createError<[string]>('SF_API_KEY_NOT_FOUND', 'API key %s does not exist', 404);

/** Attach machine-readable details (for example the offending field) to an error before throwing it. */
export function withDetails<E extends Error>(error: E, details: unknown): E {
  return Object.assign(error, { details });
}

export const ExperimentNotFoundError = createError<[string]>('SF_EXPERIMENT_NOT_FOUND', 'experiment %s does not exist', 404);
export const ExperimentSlotBusyError = createError<[string, string, string]>('SF_EXPERIMENT_SLOT_BUSY', 'experiment %s already runs on %s/%s', 409);
export const ExperimentInvalidError = createError<[string]>('SF_EXPERIMENT_INVALID', '%s', 422);
export const ExperimentNotRunningError = createError<[string, string]>('SF_EXPERIMENT_NOT_RUNNING', 'experiment %s has ended (%s)', 409);
export const SlotEmptyError = createError<[string, string]>('SF_SLOT_EMPTY', '%s/%s has no live image and no running experiment', 404);
export const SlotNoPreviousError = createError<[string, string]>('SF_SLOT_NO_PREVIOUS', '%s/%s has no earlier live image to roll back to', 409);

// — batch launches (issue 16) —
export const LaunchManifestInvalidError = createError<[string]>('SF_LAUNCH_MANIFEST_INVALID', '%s', 422);
export const LaunchPlanInvalidError = createError<[string]>('SF_LAUNCH_PLAN_INVALID', '%s', 422);
export const LaunchPhotosInvalidError = createError<[string]>('SF_LAUNCH_PHOTOS_INVALID', '%s', 422);
export const LaunchNotFoundError = createError<[string]>('SF_LAUNCH_NOT_FOUND', 'launch %s does not exist', 404);
export const LaunchFinishedError = createError<[string, string]>('SF_LAUNCH_FINISHED', 'launch %s is already %s', 409);
export const LaunchSkuNotFoundError = createError<[string]>('SF_LAUNCH_SKU_NOT_FOUND', 'SKU %s is not part of this launch', 404);
export const LaunchPickInvalidError = createError<[string]>('SF_LAUNCH_PICK_INVALID', '%s', 422);
export const LaunchPhotoUrlRefusedError = createError<[string]>('SF_LAUNCH_PHOTO_URL_REFUSED', '%s', 422);
export const LaunchPickExperimentLiveError = createError<[string, string, number]>('SF_LAUNCH_PICK_EXPERIMENT_LIVE',
  "SKU %s's main picks are the arms of running experiment %s, which has counted %d impressions: stop the experiment first, then swap the picks", 409);

// — operations (issue 19) —
export const DependencyUnavailableError = createError<[string, string]>('SF_DEPENDENCY_UNAVAILABLE', '%s is unavailable: %s', 503);
export const ShuttingDownError = createError('SF_SHUTTING_DOWN', 'the API is shutting down and takes no new work; retry in a few seconds', 503);
export const StorageFullError = createError<[number, number]>('SF_STORAGE_FULL', 'the storage folder has %d MB free, less than the %d MB kept in reserve', 507);
export const WebhookNotFoundError = createError<[string]>('SF_WEBHOOK_NOT_FOUND', 'webhook %s does not exist', 404);
export const WebhookUrlForbiddenError = createError<[string]>('SF_WEBHOOK_URL_FORBIDDEN', '%s', 422);

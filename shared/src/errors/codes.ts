/**
 * Every machine-readable error code Shotfarm answers or records, one comment each.
 * The API's error bodies, task failures in the database and the web app's messages all key on these.
 */
export const ErrorCodes = {
  // — request shape —
  /** The body, query or params did not match the route's schema; `details` lists each field. */
  SF_REQUEST_INVALID: 'SF_REQUEST_INVALID',
  /** A JSON body nested deeper than the API accepts (refused before any schema runs, so validation cannot overflow the stack). */
  SF_REQUEST_TOO_DEEP: 'SF_REQUEST_TOO_DEEP',
  /** The `Host` header names neither the configured public host nor a loopback name (DNS-rebinding guard); answered with 421. */
  SF_HOST_NOT_ALLOWED: 'SF_HOST_NOT_ALLOWED',
  /** An `Idempotency-Key` header that is empty, too long or not printable ASCII. */
  SF_IDEMPOTENCY_KEY_INVALID: 'SF_IDEMPOTENCY_KEY_INVALID',
  /** The `Idempotency-Key` was already used (within 24 h) with another request body. */
  SF_IDEMPOTENCY_KEY_REUSED: 'SF_IDEMPOTENCY_KEY_REUSED',
  /** A request with this `Idempotency-Key` is still being processed; retry in a moment for its answer. */
  SF_IDEMPOTENCY_IN_PROGRESS: 'SF_IDEMPOTENCY_IN_PROGRESS',
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
  /** Decoding the image would need more memory than UPLOAD_DECODE_MAX_BYTES (header width × height × bytes per pixel). */
  SF_UPLOAD_TOO_COSTLY: 'SF_UPLOAD_TOO_COSTLY',
  /** A HEIC/HEIF photo (HEVC-coded): this farm's image library cannot decode it; export it as JPEG. */
  SF_UPLOAD_HEIC_UNSUPPORTED: 'SF_UPLOAD_HEIC_UNSUPPORTED',
  /** The multipart request carries more than one file; send one image per request. */
  SF_UPLOAD_TOO_MANY_FILES: 'SF_UPLOAD_TOO_MANY_FILES',
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
  /** The job is still queued or running: its failed tasks can be retried once it has finished. */
  SF_JOB_NOT_FINISHED: 'SF_JOB_NOT_FINISHED',
  /** A retry was asked of a job none of whose tasks failed. */
  SF_JOB_NOTHING_TO_RETRY: 'SF_JOB_NOTHING_TO_RETRY',
  /** The job's estimate is more than what is left of its budget or of today's organisation-wide cap; `details` has `{estimate, remaining, cap}` in milli-fen. */
  SF_BUDGET_EXCEEDED: 'SF_BUDGET_EXCEEDED',
  /** A price book that cannot be used: a Replicate default hardware without a price, or the like; the message says what. */
  SF_PRICE_BOOK_INVALID: 'SF_PRICE_BOOK_INVALID',
  /** A list cursor that does not belong to the asked sort order (send back the `nextCursor` of the same query). */
  SF_CURSOR_INVALID: 'SF_CURSOR_INVALID',

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

  // — render tasks: the comfyui backend —
  /** ComfyUI refused the graph (validation, node_errors); the message names the node. Not retried: every server would refuse it. */
  SF_RENDER_COMFY_PROMPT_INVALID: 'SF_RENDER_COMFY_PROMPT_INVALID',
  /** No ComfyUI server that has the recipe's node classes and model files is up (or none left to try). */
  SF_RENDER_COMFY_NO_SERVER: 'SF_RENDER_COMFY_NO_SERVER',
  /** The task failed on three different ComfyUI servers (lost, stalled, out of memory or a node error); not retried. */
  SF_RENDER_COMFY_EXHAUSTED: 'SF_RENDER_COMFY_EXHAUSTED',
  /** The recipe has no usable `manifest.comfyui` block, or the task lacks an input it binds. */
  SF_RENDER_COMFY_RECIPE_INVALID: 'SF_RENDER_COMFY_RECIPE_INVALID',

  // — render tasks: the replicate backend —
  /** Replicate answered 422: the input does not fit the model's schema (the message has `detail`). Not retried. */
  SF_RENDER_REPLICATE_INPUT_INVALID: 'SF_RENDER_REPLICATE_INPUT_INVALID',
  /** Replicate refused the call (401 token, 402 billing, 403, 404 model or version). Not retried. */
  SF_RENDER_REPLICATE_REFUSED: 'SF_RENDER_REPLICATE_REFUSED',
  /** Replicate kept answering 429/5xx or could not be reached; retried by BullMQ. */
  SF_RENDER_REPLICATE_UNAVAILABLE: 'SF_RENDER_REPLICATE_UNAVAILABLE',
  /** The create's answer was lost and listing did not find the prediction; retried (never re-sent blindly). */
  SF_RENDER_REPLICATE_CREATE_LOST: 'SF_RENDER_REPLICATE_CREATE_LOST',
  /** The prediction ended `failed`; the message has Replicate's error. Not retried (it was billed). */
  SF_RENDER_REPLICATE_PREDICTION_FAILED: 'SF_RENDER_REPLICATE_PREDICTION_FAILED',
  /** The prediction was canceled by someone other than this task. Not retried. */
  SF_RENDER_REPLICATE_CANCELED: 'SF_RENDER_REPLICATE_CANCELED',
  /** The prediction ran past REPLICATE_DEADLINE_S and was canceled (billed). Not retried. */
  SF_RENDER_REPLICATE_DEADLINE: 'SF_RENDER_REPLICATE_DEADLINE',
  /** The deadline passed before the prediction started (`aborted`, not billed); retried. */
  SF_RENDER_REPLICATE_ABORTED: 'SF_RENDER_REPLICATE_ABORTED',
  /** The prediction's output is not a file URL we accept, or its bytes are not an image or MP4. */
  SF_RENDER_REPLICATE_OUTPUT_INVALID: 'SF_RENDER_REPLICATE_OUTPUT_INVALID',
  /** The recipe has no usable `manifest.replicate` block, or the task lacks an input it maps. */
  SF_RENDER_REPLICATE_RECIPE_INVALID: 'SF_RENDER_REPLICATE_RECIPE_INVALID',

  // — webhooks —
  /** A webhook's signature headers are missing or no signature matches the secret. */
  SF_WEBHOOK_SIGNATURE_INVALID: 'SF_WEBHOOK_SIGNATURE_INVALID',
  /** A webhook's timestamp is not within ±5 minutes of now (replay guard). */
  SF_WEBHOOK_TIMESTAMP_INVALID: 'SF_WEBHOOK_TIMESTAMP_INVALID',

  // — scoring —
  /** The image cannot be decoded for scoring. */
  SF_SCORE_IMAGE_UNREADABLE: 'SF_SCORE_IMAGE_UNREADABLE',
  /** The image has more pixels than the scorer decodes. */
  SF_SCORE_IMAGE_TOO_LARGE: 'SF_SCORE_IMAGE_TOO_LARGE',
  /** No CTR model is active yet. */
  SF_SCORE_NO_MODEL: 'SF_SCORE_NO_MODEL',
  /** An unexpected scorer failure; the message has the cause. */
  SF_SCORE_FAILED: 'SF_SCORE_FAILED',
  /** A score task on the queue does not match the score-task contract (a producer bug, never retried). */
  SF_SCORE_TASK_INVALID: 'SF_SCORE_TASK_INVALID',
  /** The gate profile named in the request does not exist. */
  SF_GATE_PROFILE_UNKNOWN: 'SF_GATE_PROFILE_UNKNOWN',

  // — workflow import —
  /** The upload is not a ComfyUI workflow (bad JSON, neither API nor UI format, or an image without one); the message says what is wrong. */
  SF_WORKFLOW_INVALID: 'SF_WORKFLOW_INVALID',
  /** The workflow file (or its compressed text once inflated) is larger than WORKFLOW_IMPORT_MAX_BYTES. */
  SF_WORKFLOW_TOO_LARGE: 'SF_WORKFLOW_TOO_LARGE',
  /** The workflow has more nodes than WORKFLOW_IMPORT_MAX_NODES, or its import ran past the time budget. */
  SF_WORKFLOW_TOO_COMPLEX: 'SF_WORKFLOW_TOO_COMPLEX',
  /** A UI-format workflow uses node classes the object_info lacks, so it cannot be converted; re-export with "Export (API)". */
  SF_WORKFLOW_NODES_UNKNOWN: 'SF_WORKFLOW_NODES_UNKNOWN',

  // — short videos (local slideshow) and parameter sweeps —
  /** No CJK-capable font file was found for a short video's caption; the message lists the paths tried. */
  SF_RENDER_FONT_MISSING: 'SF_RENDER_FONT_MISSING',
  /** ffmpeg is missing or exited non-zero while encoding a short video; the message has its last stderr lines. */
  SF_RENDER_FFMPEG_FAILED: 'SF_RENDER_FFMPEG_FAILED',
  /** A job's `sweep` names an unknown or non-sweepable parameter, repeats an axis, has a bad value or too many tasks; `details.field` names it. */
  SF_JOB_SWEEP_INVALID: 'SF_JOB_SWEEP_INVALID',

  // — accounts and access —
  /** The route needs a signed-in user or an API key and the request carries none that is valid (no, expired or forged session; unknown, revoked or expired key). */
  SF_UNAUTHENTICATED: 'SF_UNAUTHENTICATED',
  /** The caller is known but its roles (or its key's kind) do not allow this route or action. */
  SF_FORBIDDEN: 'SF_FORBIDDEN',
  /** A cookie-authenticated state-changing request without the session's `x-csrf-token` header, or with a wrong one. */
  SF_CSRF_INVALID: 'SF_CSRF_INVALID',
  /** Too many failed logins for this account or address (10 within 15 minutes); try again after the cooling-off period. */
  SF_TOO_MANY_ATTEMPTS: 'SF_TOO_MANY_ATTEMPTS',
  /** Too many requests of this kind (login, upload, job submission, storefront) from one key, user or address; `details.retryAfterS` says when to retry. */
  SF_RATE_LIMITED: 'SF_RATE_LIMITED',
  /** The email and password do not match an active account (the answer does not say which was wrong). */
  SF_LOGIN_FAILED: 'SF_LOGIN_FAILED',
  /** Another account already uses this email. */
  SF_EMAIL_TAKEN: 'SF_EMAIL_TAKEN',
  /** No user with this id. */
  SF_USER_NOT_FOUND: 'SF_USER_NOT_FOUND',
  /** The change would leave no active admin (the last admin cannot lose the role or be disabled). */
  SF_LAST_ADMIN: 'SF_LAST_ADMIN',
  /** A key may hold only roles its creator holds, and only growth or admin may create a storefront key; `details.roles` names the excess. */
  SF_KEY_ROLES_EXCEED: 'SF_KEY_ROLES_EXCEED',
  /** No API key with this id (or not one of the caller's). */
  SF_API_KEY_NOT_FOUND: 'SF_API_KEY_NOT_FOUND',

  // — experiments and the storefront —
  /** No experiment with this id. */
  SF_EXPERIMENT_NOT_FOUND: 'SF_EXPERIMENT_NOT_FOUND',
  /** An experiment already runs on this SKU slot; stop or promote it first. */
  SF_EXPERIMENT_SLOT_BUSY: 'SF_EXPERIMENT_SLOT_BUSY',
  /** The experiment cannot be set up as asked (duplicate or unknown arms, too many arms, fixed weights not matching the arms); the message says which. */
  SF_EXPERIMENT_INVALID: 'SF_EXPERIMENT_INVALID',
  /** The experiment has already ended (stopped or promoted). */
  SF_EXPERIMENT_NOT_RUNNING: 'SF_EXPERIMENT_NOT_RUNNING',
  /** The SKU slot has neither a running experiment nor a live image. */
  SF_SLOT_EMPTY: 'SF_SLOT_EMPTY',
  /** The SKU slot's live image has no earlier image to roll back to. */
  SF_SLOT_NO_PREVIOUS: 'SF_SLOT_NO_PREVIOUS',
  /** A storefront event that does not match the event schema (the batch's other events still count). */
  SF_EVENT_INVALID: 'SF_EVENT_INVALID',
  /** A storefront event older than the late-event window (EXPERIMENT_LATE_WINDOW_S): not counted. */
  SF_EVENT_TOO_LATE: 'SF_EVENT_TOO_LATE',
  /** A storefront event stamped more than five minutes in the future: not counted. */
  SF_EVENT_FROM_FUTURE: 'SF_EVENT_FROM_FUTURE',
  /** A storefront event for a SKU slot with no running experiment: not counted. */
  SF_EVENT_NO_EXPERIMENT: 'SF_EVENT_NO_EXPERIMENT',
  /** A storefront event for an image that is not an arm of the slot's running experiment: not counted. */
  SF_EVENT_ASSET_NOT_IN_EXPERIMENT: 'SF_EVENT_ASSET_NOT_IN_EXPERIMENT',

  // — cut-out / segmentation (issue 11) —
  /** The segmentation's confidence (boundary contrast, agreement, compactness, border clearance) is below the minimum: refused, not rendered broken. Not retried. */
  SF_CUTOUT_UNCERTAIN: 'SF_CUTOUT_UNCERTAIN',

  // — recipe workshop: drafts, versions (issue 13) —
  /** No recipe draft has this id (never imported, or expired after RECIPE_DRAFT_TTL_S). */
  SF_RECIPE_DRAFT_NOT_FOUND: 'SF_RECIPE_DRAFT_NOT_FOUND',
  /** The draft does not validate as a recipe manifest (a binding to a missing node or field, a default outside its range…); `details.issues` names each. */
  SF_RECIPE_DRAFT_INVALID: 'SF_RECIPE_DRAFT_INVALID',
  /** No such recipe@version has been published. */
  SF_RECIPE_VERSION_NOT_FOUND: 'SF_RECIPE_VERSION_NOT_FOUND',
  /** The recipe version is deprecated: old jobs keep it, new jobs cannot choose it. */
  SF_RECIPE_VERSION_DEPRECATED: 'SF_RECIPE_VERSION_DEPRECATED',
  /** A render worker could not read the task's recipe@version from storage (never published there, or unreadable). Not retried. */
  SF_RENDER_RECIPE_UNAVAILABLE: 'SF_RENDER_RECIPE_UNAVAILABLE',
  /** A trial run names a server that is not a configured ComfyUI server, or one that lacks the draft's node classes or model files (`details.missing` names them). */
  SF_RECIPE_TRIAL_SERVER_UNABLE: 'SF_RECIPE_TRIAL_SERVER_UNABLE',

  // — batch launches (issue 16) —
  /** The launch manifest cannot be read (not CSV/XLSX/JSON, bad encoding, a required column missing, no rows), or has bad rows and `acceptPartial` is not set; `details.rejected` lists every bad row with its line, column and reason. */
  SF_LAUNCH_MANIFEST_INVALID: 'SF_LAUNCH_MANIFEST_INVALID',
  /** The launch plan is malformed or names a recipe that does not exist or cannot run here; the message says which. */
  SF_LAUNCH_PLAN_INVALID: 'SF_LAUNCH_PLAN_INVALID',
  /** The photo ZIP is refused as a whole: not a ZIP, a path escaping the archive (zip-slip), too many entries, or too large once inflated (zip bomb). */
  SF_LAUNCH_PHOTOS_INVALID: 'SF_LAUNCH_PHOTOS_INVALID',
  /** The launch does not exist. */
  SF_LAUNCH_NOT_FOUND: 'SF_LAUNCH_NOT_FOUND',
  /** The launch has already finished or been canceled. */
  SF_LAUNCH_FINISHED: 'SF_LAUNCH_FINISHED',
  /** The SKU is not part of this launch. */
  SF_LAUNCH_SKU_NOT_FOUND: 'SF_LAUNCH_SKU_NOT_FOUND',
  /** A swapped-in pick is not an output of this SKU for that slot. */
  SF_LAUNCH_PICK_INVALID: 'SF_LAUNCH_PICK_INVALID',
  /** A SKU's photo URL was refused or could not be fetched: host not allowed, a private/loopback/link-local address (after DNS or on a redirect), too large, too slow, or not an image. The SKU fails; the others go on. */
  SF_LAUNCH_PHOTO_URL_REFUSED: 'SF_LAUNCH_PHOTO_URL_REFUSED',
  /** A swap of a SKU's main picks is refused: they are the arms of the launch's running experiment, which has counted impressions already; stop the experiment first (`details.experimentId`). */
  SF_LAUNCH_PICK_EXPERIMENT_LIVE: 'SF_LAUNCH_PICK_EXPERIMENT_LIVE',

  // — operations (issue 19) —
  /** A dependency (redis, database or storage) did not answer in time; `details.dependency` names it. Retry later; nothing half-done was kept. */
  SF_DEPENDENCY_UNAVAILABLE: 'SF_DEPENDENCY_UNAVAILABLE',
  /** The API is draining for a restart and takes no new work; retry against another replica or in a few seconds. */
  SF_SHUTTING_DOWN: 'SF_SHUTTING_DOWN',
  /** The local storage folder has less free space than STORAGE_MIN_FREE_MB: the upload was refused before anything was written. */
  SF_STORAGE_FULL: 'SF_STORAGE_FULL',
  /** No webhook subscription (or delivery) with this id. */
  SF_WEBHOOK_NOT_FOUND: 'SF_WEBHOOK_NOT_FOUND',
  /** The webhook URL resolves to a private, loopback, link-local or metadata address (or is not http/https) and its host is not allow-listed; `details.address` says which. */
  SF_WEBHOOK_URL_FORBIDDEN: 'SF_WEBHOOK_URL_FORBIDDEN',

  // — the learning loop (issue 17) —
  /** Imported training data is refused as a whole: not CSV, a required column missing, an unknown column, or bad rows; `details.rejected` lists each bad row with its line, column and reason. Nothing was stored. */
  SF_TRAINING_DATA_INVALID: 'SF_TRAINING_DATA_INVALID',
  /** No stored version of this model with this number. */
  SF_MODEL_NOT_FOUND: 'SF_MODEL_NOT_FOUND',
  /** Not enough training data for a model (too few days, products or clicks after the time split); the message says what is missing. */
  SF_MODEL_TRAINING_DATA_SHORT: 'SF_MODEL_TRAINING_DATA_SHORT',
  /** The candidate was not shown to be better than the active model on the same held-out days; send `override: true` (audited) to activate it anyway. */
  SF_MODEL_NOT_BETTER: 'SF_MODEL_NOT_BETTER',
  /** The version is the active one: it cannot also be put in shadow. */
  SF_MODEL_IS_ACTIVE: 'SF_MODEL_IS_ACTIVE',

  // — start-up —
  /** A configuration variable has a bad value; the message names each one. */
  SF_CONFIG_INVALID: 'SF_CONFIG_INVALID',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

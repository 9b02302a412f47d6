import type { ErrorCode } from '@shotfarm/shared';
import { formatYuan } from '../lib/format-yuan.ts';
import { ApiRequestError, networkErrorCode, unexpectedResponseCode } from '../api/client.ts';
import type { MessageKey, Translate, TranslateValues } from './i18n.ts';

/** A dictionary key and the values it fills in. */
interface LocalisedMessage {
  key: MessageKey;
  values?: TranslateValues;
}

/**
 * The localised message for each code the API or a render task can carry, filled from the error's
 * `details` where it has them. Exhaustive: a code added to shared/src/errors/codes.ts fails the type
 * check here until both dictionaries have its `error.<code>` key. The page still shows the server's
 * own message underneath, so operator-facing codes lose none of their detail.
 */
function messageFor(code: ErrorCode, details: unknown): LocalisedMessage | null {
  switch (code) {
    case 'SF_BACKEND_REQUIRED': {
      const backends = stringList(detail(details, 'backends'));
      const configured = stringList(detail(details, 'configured'));
      return backends && configured
        ? { key: 'error.SF_BACKEND_REQUIRED.backends', values: { backends, configured } }
        : { key: `error.${code}` };
    }
    case 'SF_BUDGET_EXCEEDED': {
      const estimate = detail(details, 'estimate');
      const remaining = detail(details, 'remaining');
      return typeof estimate === 'number' && typeof remaining === 'number'
        ? { key: 'error.SF_BUDGET_EXCEEDED.amounts', values: { estimate: formatYuan(estimate), remaining: formatYuan(remaining) } }
        : { key: `error.${code}` };
    }
    case 'SF_JOB_SWEEP_INVALID': {
      const field = detail(details, 'field');
      return typeof field === 'string' && field !== '' ? { key: 'error.SF_JOB_SWEEP_INVALID.field', values: { field } } : { key: `error.${code}` };
    }
    case 'SF_WORKFLOW_NODES_UNKNOWN': {
      // Which node classes no configured server defines, so the designer knows what to install or to export as API format.
      const classes = stringList(detail(details, 'missingClasses'));
      return classes ? { key: 'error.SF_WORKFLOW_NODES_UNKNOWN.classes', values: { classes } } : { key: `error.${code}` };
    }
    case 'SF_REQUEST_INVALID':
    case 'SF_ROUTE_NOT_FOUND':
    case 'SF_INTERNAL':
    case 'SF_UPLOAD_NOT_IMAGE':
    case 'SF_UPLOAD_CORRUPT':
    case 'SF_UPLOAD_TOO_LARGE':
    case 'SF_UPLOAD_TOO_MANY_PIXELS':
    case 'SF_UPLOAD_MISSING_FILE':
    case 'SF_UPLOAD_BAD_FILENAME':
    case 'SF_UPLOAD_TOO_COSTLY':
    case 'SF_UPLOAD_HEIC_UNSUPPORTED':
    case 'SF_UPLOAD_TOO_MANY_FILES':
    case 'SF_REQUEST_TOO_DEEP':
    case 'SF_HOST_NOT_ALLOWED':
    case 'SF_IDEMPOTENCY_KEY_INVALID':
    case 'SF_IDEMPOTENCY_KEY_REUSED':
    case 'SF_IDEMPOTENCY_IN_PROGRESS':
    case 'SF_WORKFLOW_TOO_LARGE':
    case 'SF_WORKFLOW_TOO_COMPLEX':
    case 'SF_ASSET_NOT_FOUND':
    case 'SF_URL_SIGNATURE_INVALID':
    case 'SF_OBJECT_NOT_FOUND':
    case 'SF_STORAGE_KEY_INVALID':
    case 'SF_RECIPE_UNKNOWN':
    case 'SF_JOB_PARAMS_INVALID':
    case 'SF_JOB_INPUT_INVALID':
    case 'SF_JOB_NOT_FOUND':
    case 'SF_JOB_FINISHED':
    case 'SF_JOB_NOT_FINISHED':
    case 'SF_JOB_NOTHING_TO_RETRY':
    case 'SF_PRICE_BOOK_INVALID':
    case 'SF_CURSOR_INVALID':
    case 'SF_RENDER_BACKGROUND_TOO_BUSY':
    case 'SF_RENDER_INPUT_UNREADABLE':
    case 'SF_RENDER_CANCELED':
    case 'SF_RENDER_TASK_INVALID':
    case 'SF_RENDER_NO_BACKEND':
    case 'SF_RENDER_FAILED':
    case 'SF_RENDER_COMFY_PROMPT_INVALID':
    case 'SF_RENDER_COMFY_NO_SERVER':
    case 'SF_RENDER_COMFY_EXHAUSTED':
    case 'SF_RENDER_COMFY_RECIPE_INVALID':
    case 'SF_RENDER_REPLICATE_INPUT_INVALID':
    case 'SF_RENDER_REPLICATE_REFUSED':
    case 'SF_RENDER_REPLICATE_UNAVAILABLE':
    case 'SF_RENDER_REPLICATE_CREATE_LOST':
    case 'SF_RENDER_REPLICATE_PREDICTION_FAILED':
    case 'SF_RENDER_REPLICATE_CANCELED':
    case 'SF_RENDER_REPLICATE_DEADLINE':
    case 'SF_RENDER_REPLICATE_ABORTED':
    case 'SF_RENDER_REPLICATE_OUTPUT_INVALID':
    case 'SF_RENDER_REPLICATE_RECIPE_INVALID':
    case 'SF_RENDER_FONT_MISSING':
    case 'SF_RENDER_FFMPEG_FAILED':
    case 'SF_WEBHOOK_SIGNATURE_INVALID':
    case 'SF_WEBHOOK_TIMESTAMP_INVALID':
    case 'SF_SCORE_IMAGE_UNREADABLE':
    case 'SF_SCORE_IMAGE_TOO_LARGE':
    case 'SF_SCORE_NO_MODEL':
    case 'SF_SCORE_FAILED':
    case 'SF_SCORE_TASK_INVALID':
    case 'SF_GATE_PROFILE_UNKNOWN':
    case 'SF_WORKFLOW_INVALID':
    case 'SF_CONFIG_INVALID':
    case 'SF_UNAUTHENTICATED':
    case 'SF_FORBIDDEN':
    case 'SF_CSRF_INVALID':
    case 'SF_TOO_MANY_ATTEMPTS':
    case 'SF_RATE_LIMITED':
    case 'SF_LOGIN_FAILED':
    case 'SF_EMAIL_TAKEN':
    case 'SF_USER_NOT_FOUND':
    case 'SF_LAST_ADMIN':
    case 'SF_KEY_ROLES_EXCEED':
    case 'SF_API_KEY_NOT_FOUND':
    case 'SF_EXPERIMENT_NOT_FOUND':
    case 'SF_EXPERIMENT_SLOT_BUSY':
    case 'SF_EXPERIMENT_INVALID':
    case 'SF_EXPERIMENT_NOT_RUNNING':
    case 'SF_SLOT_EMPTY':
    case 'SF_SLOT_NO_PREVIOUS':
    case 'SF_EVENT_INVALID':
    case 'SF_EVENT_TOO_LATE':
    case 'SF_EVENT_FROM_FUTURE':
    case 'SF_EVENT_NO_EXPERIMENT':
    case 'SF_EVENT_ASSET_NOT_IN_EXPERIMENT':
    case 'SF_DEPENDENCY_UNAVAILABLE': // operations (issue 19)
    case 'SF_SHUTTING_DOWN':
    case 'SF_STORAGE_FULL':
    case 'SF_WEBHOOK_NOT_FOUND':
    case 'SF_WEBHOOK_URL_FORBIDDEN':
    case 'SF_RECIPE_DRAFT_NOT_FOUND': // recipe workshop (issue 13)
    case 'SF_RECIPE_DRAFT_INVALID':
    case 'SF_RECIPE_VERSION_NOT_FOUND':
    case 'SF_RECIPE_VERSION_DEPRECATED':
    case 'SF_RENDER_RECIPE_UNAVAILABLE':
    case 'SF_RECIPE_TRIAL_SERVER_UNABLE':
    case 'SF_LAUNCH_MANIFEST_INVALID': // batch launches (issue 16)
    case 'SF_LAUNCH_PLAN_INVALID':
    case 'SF_LAUNCH_PHOTOS_INVALID':
    case 'SF_LAUNCH_NOT_FOUND':
    case 'SF_LAUNCH_FINISHED':
    case 'SF_LAUNCH_SKU_NOT_FOUND':
    case 'SF_LAUNCH_PICK_INVALID':
    case 'SF_LAUNCH_PHOTO_URL_REFUSED':
    case 'SF_LAUNCH_PICK_EXPERIMENT_LIVE':
    case 'SF_CUTOUT_UNCERTAIN': // cut-out / segmentation (issue 11)
    case 'SF_TRAINING_DATA_INVALID': // the learning loop (issue 17)
    case 'SF_MODEL_NOT_FOUND':
    case 'SF_MODEL_TRAINING_DATA_SHORT':
    case 'SF_MODEL_NOT_BETTER':
    case 'SF_MODEL_IS_ACTIVE':
      return { key: `error.${code}` }; // a code whose key is missing from the dictionaries fails the type check here
    default: {
      const unknown: never = code; // the server may be newer than this bundle: fall back to its message
      void unknown;
      return null;
    }
  }
}

function detail(details: unknown, name: string): unknown {
  return typeof details === 'object' && details !== null ? (details as Record<string, unknown>)[name] : undefined;
}

/** `a, b` from a non-empty array of strings; undefined for anything else (details come from the wire). */
function stringList(value: unknown): string | undefined {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string') ? value.join(', ') : undefined;
}

/** What the page shows for a failure: a localised sentence, the code (for support) and per-field notes. */
export interface ErrorDescription {
  message: string;
  code: string | null;
  /** `field: message` lines from the API's `details.fields` (422 SF_REQUEST_INVALID, SF_JOB_PARAMS_INVALID). */
  fields: string[];
  /** The server's own message, when the localised one replaced it. */
  serverMessage: string | null;
}

/** Describes a `{ code, message }` pair, as a failed task records it (`details` only where the API sent some). */
export function describeCode(code: string, serverMessage: string, t: Translate, details?: unknown): ErrorDescription {
  const localised = messageFor(code as ErrorCode, details);
  return localised
    ? { message: t(localised.key, localised.values), code, fields: [], serverMessage }
    : { message: serverMessage, code, fields: [], serverMessage: null };
}

/** Describes anything a call into the API can throw. */
export function describeError(error: unknown, t: Translate): ErrorDescription {
  if (!(error instanceof ApiRequestError)) {
    return { message: t('error.unexpected'), code: null, fields: [], serverMessage: String(error) };
  }
  if (error.code === networkErrorCode) return { message: t('error.network'), code: null, fields: [], serverMessage: null };
  if (error.code === unexpectedResponseCode) return { message: t('error.unexpected'), code: null, fields: [], serverMessage: error.message };
  return { ...describeCode(error.code, error.message, t, error.details), fields: detailFields(error.details) };
}

function detailFields(details: unknown): string[] {
  const fields = (details as { fields?: unknown } | null | undefined)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((f: { field?: unknown; message?: unknown }) =>
    typeof f?.message === 'string' ? [`${typeof f.field === 'string' ? `${f.field}: ` : ''}${f.message}`] : []);
}

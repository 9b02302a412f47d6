import type { ErrorCode } from '@shotfarm/shared';
import { ApiRequestError, networkErrorCode, unexpectedResponseCode } from '../api/client.ts';
import type { MessageKey, Translate } from './i18n.ts';

/**
 * The localised message for each code the API or a render task can carry; null where the server's own
 * message is the best we have. Exhaustive: a code added to shared/src/errors/codes.ts fails the type check here.
 */
function messageKeyFor(code: ErrorCode): MessageKey | null {
  switch (code) {
    case 'SF_REQUEST_INVALID':
    case 'SF_INTERNAL':
    case 'SF_UPLOAD_NOT_IMAGE':
    case 'SF_UPLOAD_CORRUPT':
    case 'SF_UPLOAD_TOO_LARGE':
    case 'SF_UPLOAD_TOO_MANY_PIXELS':
    case 'SF_UPLOAD_MISSING_FILE':
    case 'SF_UPLOAD_BAD_FILENAME':
    case 'SF_ASSET_NOT_FOUND':
    case 'SF_URL_SIGNATURE_INVALID':
    case 'SF_OBJECT_NOT_FOUND':
    case 'SF_RECIPE_UNKNOWN':
    case 'SF_JOB_PARAMS_INVALID':
    case 'SF_JOB_INPUT_INVALID':
    case 'SF_BACKEND_REQUIRED':
    case 'SF_JOB_NOT_FOUND':
    case 'SF_JOB_FINISHED':
    case 'SF_RENDER_BACKGROUND_TOO_BUSY':
    case 'SF_RENDER_INPUT_UNREADABLE':
    case 'SF_RENDER_CANCELED':
    case 'SF_RENDER_NO_BACKEND':
    case 'SF_RENDER_FAILED':
    case 'SF_SCORE_IMAGE_UNREADABLE':
    case 'SF_SCORE_IMAGE_TOO_LARGE':
    case 'SF_GATE_PROFILE_UNKNOWN':
      return `error.${code}`;
    case 'SF_ROUTE_NOT_FOUND':
    case 'SF_STORAGE_KEY_INVALID':
    case 'SF_RENDER_TASK_INVALID':
    case 'SF_CONFIG_INVALID':
    case 'SF_SCORE_NO_MODEL':
    case 'SF_SCORE_FAILED':
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
    case 'SF_WEBHOOK_SIGNATURE_INVALID':
    case 'SF_WEBHOOK_TIMESTAMP_INVALID':
    case 'SF_RENDER_FONT_MISSING':
    case 'SF_RENDER_FFMPEG_FAILED':
    case 'SF_JOB_SWEEP_INVALID':
    case 'SF_WORKFLOW_INVALID':
    case 'SF_WORKFLOW_NODES_UNKNOWN':
      return null; // operator-facing: the server's message says more than a translation could
    default: {
      const unknown: never = code; // the server may be newer than this bundle: fall back to its message
      void unknown;
      return null;
    }
  }
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

/** Describes a `{ code, message }` pair, as a failed task records it. */
export function describeCode(code: string, serverMessage: string, t: Translate): ErrorDescription {
  const key = messageKeyFor(code as ErrorCode);
  return key
    ? { message: t(key), code, fields: [], serverMessage }
    : { message: serverMessage, code, fields: [], serverMessage: null };
}

/** Describes anything a call into the API can throw. */
export function describeError(error: unknown, t: Translate): ErrorDescription {
  if (!(error instanceof ApiRequestError)) {
    return { message: t('error.unexpected'), code: null, fields: [], serverMessage: String(error) };
  }
  if (error.code === networkErrorCode) return { message: t('error.network'), code: null, fields: [], serverMessage: null };
  if (error.code === unexpectedResponseCode) return { message: t('error.unexpected'), code: null, fields: [], serverMessage: error.message };
  return { ...describeCode(error.code, error.message, t), fields: detailFields(error.details) };
}

function detailFields(details: unknown): string[] {
  const fields = (details as { fields?: unknown } | null | undefined)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((f: { field?: unknown; message?: unknown }) =>
    typeof f?.message === 'string' ? [`${typeof f.field === 'string' ? `${f.field}: ` : ''}${f.message}`] : []);
}

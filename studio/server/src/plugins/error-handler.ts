import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ApiError, ErrorCode } from '@shotfarm/shared';

/** Library errors we translate into our own codes. */
const libraryCodes: Record<string, { code: ErrorCode; status: number }> = {
  FST_REQ_FILE_TOO_LARGE: { code: 'SF_UPLOAD_TOO_LARGE', status: 413 },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { code: 'SF_UPLOAD_MISSING_FILE', status: 400 },
  FST_FILES_LIMIT: { code: 'SF_UPLOAD_TOO_MANY_FILES', status: 400 },
  FST_PARTS_LIMIT: { code: 'SF_REQUEST_INVALID', status: 413 },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'SF_REQUEST_INVALID', status: 413 },
  FST_CSRF_MISSING_SECRET: { code: 'SF_CSRF_INVALID', status: 403 },
  FST_CSRF_INVALID_TOKEN: { code: 'SF_CSRF_INVALID', status: 403 },
};

/** Every failure leaves the API as `{ code, message, details? }` with a stable code. */
export const errorHandlerPlugin = fp(async (app) => {
  app.setErrorHandler((error: FastifyError & { details?: unknown }, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = error.validation.map((v) => ({ field: [v.instancePath.replace(/^\//, '').replaceAll('/', '.')].filter(Boolean).join('') || '(root)', message: v.message }));
      const where = error.validationContext ?? 'body';
      // A well-formed request whose body does not fit the contract is unprocessable (422); bad paths and queries are 400.
      const body: ApiError = { code: 'SF_REQUEST_INVALID', message: `${where}${fields[0] ? `.${fields[0].field}` : ''}: ${fields[0]?.message ?? 'invalid'}`, details: { fields } };
      return reply.code(where === 'body' ? 422 : 400).send(body);
    }
    if (typeof error.code === 'string' && error.code.startsWith('SF_')) {
      const status = error.statusCode ?? 500;
      if (status >= 500) req.log.error({ err: error }, error.message);
      return reply.code(status).send({ code: error.code, message: error.message, ...(error.details !== undefined ? { details: error.details } : {}) });
    }
    const mapped = libraryCodes[error.code];
    if (mapped) {
      const code = mapped.status === 413 ? (req.routeOptions.config?.tooLargeCode ?? mapped.code) : mapped.code;
      return reply.code(mapped.status).send({ code, message: error.message });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ code: 'SF_REQUEST_INVALID', message: error.message });
    }
    req.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ code: 'SF_INTERNAL', message: 'internal error' });
  });
}, { name: 'shotfarm-error-handler', fastify: '5.x' });

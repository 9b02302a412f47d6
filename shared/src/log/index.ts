import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Secrets never reach the log: pino replaces these paths with "[redacted]" wherever a request, a response, an error
 * or a task is logged (headers carry keys and cookies; bodies and details may carry passwords and tokens). One list
 * for the API and the workers.
 */
export const logRedaction = {
  paths: [
    // Headers wherever they sit: the request, a response, a library's options (@fastify/multipart logs busboy's).
    '*.headers.authorization', '*.headers.cookie', '*.headers["x-csrf-token"]', '*.headers["set-cookie"]',
    'headers.authorization', 'headers.cookie', 'headers["x-csrf-token"]', 'headers["set-cookie"]',
    // Not `key`: storage keys are logged on purpose (an API key is only ever in a creation answer, never logged).
    'password', '*.password', 'token', '*.token', 'csrfToken', '*.csrfToken', 'secret', '*.secret', 'authorization', '*.authorization',
  ],
  censor: '[redacted]',
};

/**
 * A worker process's structured JSON log (the API's is fastify's): one line per event, secrets redacted. Task
 * handlers log through `log.child({ jobId, taskId })` so every line about a task carries its ids.
 */
export function createLogger(name: string, opts: { level?: LoggerOptions['level']; destination?: DestinationStream } = {}): Logger {
  const options: LoggerOptions = { name, level: opts.level ?? 'info', redact: logRedaction };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** A logger that writes nothing: the default of a worker built in-process without one (tests). */
export const silentLogger = (): Logger => pino({ level: 'silent' });

import type { ErrorDescription } from '../i18n/error-message.ts';

export interface ErrorNoticeProps {
  error: ErrorDescription;
  testId?: string;
}

/** A failure, said in the page's language, with the code underneath for support tickets. */
export function ErrorNotice({ error, testId }: ErrorNoticeProps) {
  return (
    <div className="notice notice-error" role="alert" data-testid={testId} data-code={error.code ?? undefined}>
      <p className="notice-message">{error.message}</p>
      {error.fields.length > 0 && (
        <ul className="notice-fields">
          {error.fields.map((field) => <li key={field}>{field}</li>)}
        </ul>
      )}
      {(error.code || (error.serverMessage && error.fields.length === 0)) && (
        <p className="notice-meta">
          {error.code && <code>{error.code}</code>}
          {error.serverMessage && error.fields.length === 0 && <span lang="en"> {error.serverMessage}</span>}
        </p>
      )}
    </div>
  );
}

import type { ErrorDescription } from '../i18n/error-message.ts';
import { useI18n } from '../i18n/i18n.ts';
import { formatBytes } from '../lib/format-bytes.ts';

export interface ErrorNoticeProps {
  error: ErrorDescription;
  testId?: string;
}

/** A failure, said in the page's language, with the code underneath for support tickets (in a div: <details> may not sit in a <p>). */
export function ErrorNotice({ error, testId }: ErrorNoticeProps) {
  const { t, language } = useI18n();
  // The server's own message is English: on a Chinese page it waits behind "技术细节" for support, not in the sentence.
  // Byte counts read as sizes ("larger than 26214400 bytes" → "larger than 25 MB").
  const server = error.serverMessage && error.fields.length === 0 ? error.serverMessage.replace(/\b(\d{4,}) bytes\b/g, (_, n: string) => formatBytes(Number(n))) : null;
  return (
    <div className="notice notice-error" role="alert" data-testid={testId} data-code={error.code ?? undefined}>
      <p className="notice-message">{error.message}</p>
      {error.fields.length > 0 && (
        <ul className="notice-fields">
          {error.fields.map((field) => <li key={field}>{field}</li>)}
        </ul>
      )}
      {(error.code || (error.serverMessage && error.fields.length === 0)) && (
        <div className="notice-meta">
          {error.code && <code>{error.code}</code>}
          {server && (language === 'en'
            ? <span lang="en"> {server}</span>
            : <details className="notice-details"><summary>{t('error.technicalDetails')}</summary><span lang="en">{server}</span></details>)}
        </div>
      )}
    </div>
  );
}

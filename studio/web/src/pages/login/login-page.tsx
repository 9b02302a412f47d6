import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Form, Input } from 'antd';
import { ApiRequestError } from '../../api/client.ts';
import { LanguageSwitch } from '../../components/language-switch.tsx';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n, type Translate } from '../../i18n/i18n.ts';
import { safeNext } from '../../session/guards.tsx';
import { useSession } from '../../session/session.tsx';
import { BrandMark } from '../../components/brand-mark.tsx';

interface Credentials {
  email: string;
  password: string;
}

/** What the page says about a failed login: its own words for the login's codes, the common ones otherwise. */
interface LoginProblem {
  code: string | null;
  message: string;
  /** What to do about it. */
  hint?: string;
}

/**
 * 登录 / Sign in: email and password against `POST /api/session`. A wrong password and a disabled account get
 * the same answer (the API does not say which, so nobody can probe accounts); too many failures say how long
 * the cooling-off lasts. After logging in, the person lands where they were going (`?next=`).
 */
export default function LoginPage() {
  const { t } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  // The failure, not its words: switching the language re-says it.
  const [failure, setFailure] = useState<{ error: unknown; at: number } | null>(null);
  const problem = failure && loginProblem(failure.error, t, failure.at);
  const [submitting, setSubmitting] = useState(false);

  if (session.status === 'signed-in' && !submitting) return <Navigate to={next} replace />;

  async function submit({ email, password }: Credentials) {
    setSubmitting(true);
    setFailure(null);
    try {
      await session.logIn(email.trim(), password);
      navigate(next, { replace: true });
    } catch (error) {
      setFailure({ error, at: Date.now() });
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <main id="main" className="login-page" tabIndex={-1} data-testid="login-page">
      <div className="login-card">
        <div className="login-top">
          <span className="brand">
            <BrandMark />
          </span>
          <LanguageSwitch />
        </div>
        <h1 className="login-title">{t('login.title')}</h1>
        <p className="muted">{t('login.subtitle')}</p>
        {params.get('next') && next !== '/' && <Alert className="login-alert" type="info" showIcon title={t('login.continue')} />}
        {problem && (
          <div className="login-alert" role="alert" data-testid="login-error" data-code={problem.code ?? undefined}>
            <Alert type="error" showIcon title={problem.message} description={problem.hint || problem.code
              ? <>{problem.hint && <span className="login-error-hint">{problem.hint}</span>}{problem.code && <code className="login-error-code">{problem.code}</code>}</>
              : undefined} />
          </div>
        )}
        <Form<Credentials> layout="vertical" requiredMark={false} onFinish={(values) => void submit(values)} className="login-form" data-testid="login-form">
          <Form.Item label={t('login.email')} name="email" rules={[{ required: true, whitespace: true, message: t('login.emailRequired') }]}>
            <Input type="email" autoComplete="username" autoFocus size="large" data-testid="login-email" />
          </Form.Item>
          <Form.Item label={t('login.password')} name="password" rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password autoComplete="current-password" size="large" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" size="large" block loading={submitting} data-testid="login-submit">{t('login.submit')}</Button>
        </Form>
        <p className="muted login-first-run">{t('login.firstRun')}</p>
      </div>
    </main>
  );
}

/** Turns what `POST /api/session` threw (`at` that time) into what the page says. */
export function loginProblem(error: unknown, t: Translate, at: number): LoginProblem {
  if (error instanceof ApiRequestError) {
    if (error.code === 'SF_LOGIN_FAILED' || (error.status === 401 && error.code === 'SF_UNAUTHENTICATED')) {
      return { code: error.code, message: t('login.failed'), hint: t('login.failedHint') };
    }
    if (error.code === 'SF_TOO_MANY_ATTEMPTS') {
      const seconds = coolingOffSeconds(error);
      return {
        code: error.code,
        message: seconds === undefined ? t('error.SF_TOO_MANY_ATTEMPTS') : t('login.tooManyAttempts', { minutes: Math.max(1, Math.ceil(seconds / 60)) }),
        hint: seconds === undefined ? undefined : t('login.tooManyAttemptsUntil', { time: new Date(at + seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) }),
      };
    }
  }
  const described = describeError(error, t);
  return { code: described.code, message: described.message };
}

/** The cooling-off left, in seconds: the API's `details.retryAfterS`, else its `Retry-After` header. */
function coolingOffSeconds(error: ApiRequestError): number | undefined {
  const fromDetails = (error.details as { retryAfterS?: unknown } | null | undefined)?.retryAfterS;
  if (typeof fromDetails === 'number' && Number.isFinite(fromDetails) && fromDetails >= 0) return fromDetails;
  return error.retryAfterS;
}

import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Input, InputNumber, Space } from 'antd';
import type { BudgetsView, PriceBookInput } from '@shotfarm/shared';
import { getPrices, savePrices, setDailyCap } from '../../api/client.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { describeError } from '../../i18n/error-message.ts';
import { useI18n } from '../../i18n/i18n.ts';

const milliFenPerFen = 1000;

/** Admins: the daily cap (in fen, so the amount stays an integer) and the price book, saved as a new version. */
export function CostAdmin({ budgets }: { budgets: BudgetsView | undefined }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const prices = useQuery({ queryKey: ['prices'], queryFn: ({ signal }) => getPrices(signal) });
  const [capFen, setCapFen] = useState<number | null | undefined>(undefined);
  const [bookText, setBookText] = useState<string | undefined>(undefined);
  const [bookError, setBookError] = useState<string | null>(null);
  const refresh = () => Promise.all([client.invalidateQueries({ queryKey: ['budgets'] }), client.invalidateQueries({ queryKey: ['prices'] })]);
  const cap = useMutation({ mutationFn: (fen: number | null) => setDailyCap(fen === null ? null : fen * milliFenPerFen), onSuccess: refresh });
  const book = useMutation({ mutationFn: (content: PriceBookInput) => savePrices(content, 'edited in the studio'), onSuccess: refresh });
  const shownCap = capFen !== undefined ? capFen : budgets?.daily.cap != null ? Math.round(budgets.daily.cap / milliFenPerFen) : null;
  const shownBook = bookText ?? (prices.data ? JSON.stringify(prices.data.current.content, null, 2) : '');

  const saveBook = () => {
    try {
      setBookError(null);
      book.mutate(JSON.parse(shownBook) as PriceBookInput);
    } catch (e) {
      setBookError((e as Error).message);
    }
  };

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="cost-admin">
      <label className="cost-cap">
        <span>{t('costs.admin.cap')}</span>{' '}
        <InputNumber<number> min={1} precision={0} value={shownCap} onChange={(v) => setCapFen(v)} addonAfter={t('costs.admin.fen')} data-testid="daily-cap-input" />{' '}
        <Button type="primary" loading={cap.isPending} onClick={() => cap.mutate(shownCap ?? null)} data-testid="daily-cap-save">{t('costs.admin.saveCap')}</Button>{' '}
        <Button onClick={() => { setCapFen(null); cap.mutate(null); }}>{t('costs.admin.noCap')}</Button>
      </label>
      {budgets?.daily.source === 'DAILY_BUDGET_FEN' && <Alert type="info" showIcon message={t('costs.admin.envCap')} />}
      {cap.isError && <ErrorNotice error={describeError(cap.error, t)} />}
      <div>
        <p className="muted">{t('costs.admin.bookHelp', { version: prices.data?.current.version ?? '…' })}</p>
        <Input.TextArea value={shownBook} onChange={(e) => setBookText(e.target.value)} autoSize={{ minRows: 8, maxRows: 24 }} spellCheck={false}
          aria-label={t('costs.admin.book')} data-testid="price-book-editor" className="price-book-editor" />
        <Button style={{ marginTop: 8 }} type="primary" loading={book.isPending} onClick={saveBook} data-testid="price-book-save">{t('costs.admin.saveBook')}</Button>
        {bookError && <Alert type="error" showIcon message={t('costs.admin.bookNotJson', { error: bookError })} />}
        {book.isError && <ErrorNotice error={describeError(book.error, t)} />}
        {book.isSuccess && <Alert type="success" showIcon message={t('costs.admin.saved', { version: book.data.version })} />}
      </div>
    </Space>
  );
}

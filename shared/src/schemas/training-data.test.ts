import { describe, expect, it } from 'vitest';
import { TrainingCsvRecord, trainingDataCsv, type TrainingDataRow } from './training-data.ts';

const row = (over: Partial<TrainingDataRow> = {}): TrainingDataRow => ({
  day: '2026-11-01', sku: 'SKU-1', image: 'img-1', impressions: 100, clicks: 3, allocation: 0.25, source: 'farm', features: { sharpness: 210.5, fillRatio: 0.4 }, ...over,
});

describe('the training-data CSV format', () => {
  it('writes a header with the fixed columns then sorted feature columns, quoting text that needs it', () => {
    const csv = trainingDataCsv([row(), row({ sku: 'A,"B"', image: 'x', allocation: null, source: 'import', features: { colourfulness: 1 } })]);
    expect(csv.split('\n')).toEqual([
      'day,sku,image,impressions,clicks,allocation,source,f_colourfulness,f_fillRatio,f_sharpness',
      '2026-11-01,SKU-1,img-1,100,3,0.25,farm,,0.4,210.5',
      '2026-11-01,"A,""B""",x,100,3,,import,1,,',
      '',
    ]);
  });

  it('reads a record back into a row, and names every bad field', () => {
    expect(TrainingCsvRecord.parse({ day: '2026-11-01', sku: ' S ', image: 'i', impressions: '10', clicks: '2', allocation: '', f_sharpness: '1.5e2' }))
      .toEqual({ day: '2026-11-01', sku: 'S', image: 'i', impressions: 10, clicks: 2, allocation: null, source: 'import', features: { sharpness: 150 } });
    const bad = TrainingCsvRecord.safeParse({ day: '2026-02-30', sku: '', image: 'i', impressions: '1.5', clicks: '-1', allocation: '2', source: 'shop', f_sharpness: 'NaN' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path[0]).sort()).toEqual(['allocation', 'clicks', 'day', 'f_sharpness', 'impressions', 'sku']);
    const moreClicks = TrainingCsvRecord.safeParse({ day: '2026-11-01', sku: 'S', image: 'i', impressions: '1', clicks: '2', f_x: '1' });
    expect(moreClicks.error!.issues.map((i) => [i.path[0], i.message])).toEqual([['clicks', 'more clicks than impressions']]);
    expect(TrainingCsvRecord.safeParse({ day: '2026-11-01', sku: 'S', image: 'i', impressions: '1', clicks: '0' }).error!.issues[0]!.message).toBe('no feature column');
  });
});

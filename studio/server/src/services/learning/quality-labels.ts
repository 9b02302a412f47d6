import { desc, eq, inArray, sql } from 'drizzle-orm';
import type { QualityLabel } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';

/** How many labels there are, by verdict. */
export interface QualityLabelCounts {
  labels: number;
  approved: number;
  rejected: number;
}

/**
 * The learned quality head's training data (issue 17): designers' approvals and rejections (`asset_reviews`) of
 * outputs that were scored, each output once with its latest verdict (a designer who changes their mind corrects the
 * label), its newest score's features, and the product it was made for: the job's SKU, else the job (the outputs of
 * one request compete with each other), else the asset alone.
 */
export class QualityLabels {
  constructor(private readonly db: Db) {}

  async labels(): Promise<QualityLabel[]> {
    const { assetReviews: r, scores: s, assets: a, jobs: j } = tables;
    const verdicts = await this.db.selectDistinctOn([r.assetId], { assetId: r.assetId, verdict: r.verdict, jobId: a.jobId, sku: j.sku })
      .from(r).innerJoin(a, eq(a.id, r.assetId)).leftJoin(j, eq(j.id, a.jobId))
      .orderBy(r.assetId, desc(r.createdAt), desc(r.id));
    if (verdicts.length === 0) return [];
    const features = new Map<string, Record<string, number>>();
    const ids = verdicts.map((v) => v.assetId);
    for (let i = 0; i < ids.length; i += 1000) {
      const rows = await this.db.selectDistinctOn([s.assetId], { assetId: s.assetId, features: sql<Record<string, number> | null>`${s.result}->'features'` })
        .from(s).where(inArray(s.assetId, ids.slice(i, i + 1000))).orderBy(s.assetId, desc(s.createdAt));
      for (const row of rows) if (row.features) features.set(row.assetId, row.features);
    }
    return verdicts.flatMap((v): QualityLabel[] => {
      const f = features.get(v.assetId);
      if (!f) return []; // reviewed before it was scored: no features to learn from yet
      const product = v.sku ? `sku:${v.sku}` : v.jobId ? `job:${v.jobId}` : `asset:${v.assetId}`;
      return [{ asset: v.assetId, product, label: v.verdict === 'approve' ? 1 : 0, features: f }];
    });
  }

  async counts(): Promise<QualityLabelCounts> {
    const labels = await this.labels();
    const approved = labels.reduce((n, l) => n + l.label, 0);
    return { labels: labels.length, approved, rejected: labels.length - approved };
  }
}

import { desc } from 'drizzle-orm';
import { PriceBookContent, type PriceBookInput, type PriceBookVersion } from '@shotfarm/shared';
import { resolvePriceBook, shippedPriceBook } from '@shotfarm/shared/costs';
import { tables, type Db } from '@shotfarm/shared/db';
import { PriceBookInvalidError } from '../../errors.ts';

type Row = typeof tables.priceBooks.$inferSelect;

const toVersion = (r: Row): PriceBookVersion => ({
  version: r.version, content: r.content, createdAt: r.createdAt.toISOString(), createdBy: r.createdBy, note: r.note,
});

/**
 * The versioned price book in the database. A fresh database gets version 1 from the shipped file; every edit
 * saves a whole new version (old ones stay: ledger lines name the version that priced them). The version in force
 * is cached, so the ledger can price an attempt inside its transaction without another read. The routes that
 * save a version write the audit log (they know the caller).
 */
export class PriceBookStore {
  #current: PriceBookVersion | undefined;

  constructor(private readonly db: Db) {}

  /** Seed version 1 from the shipped file when the table is empty, and load the version in force. */
  async load(): Promise<PriceBookVersion> {
    await this.db.insert(tables.priceBooks).values({ version: 1, content: shippedPriceBook(), note: 'shipped price book' }).onConflictDoNothing();
    const [row] = await this.db.select().from(tables.priceBooks).orderBy(desc(tables.priceBooks.version)).limit(1);
    this.#current = toVersion(row!);
    return this.#current;
  }

  /** The version in force (loaded at start-up). */
  get current(): PriceBookVersion {
    if (!this.#current) throw new Error('the price book is not loaded yet');
    return this.#current;
  }

  async versions(limit = 20): Promise<PriceBookVersion[]> {
    const rows = await this.db.select().from(tables.priceBooks).orderBy(desc(tables.priceBooks.version)).limit(limit);
    return rows.map(toVersion);
  }

  /** Save a new version: dollar prices converted at its rate, the Replicate default hardware checked to have a price. */
  async save(input: PriceBookInput, opts: { userId: string | null; note?: string | undefined }): Promise<PriceBookVersion> {
    const content = PriceBookContent.parse(resolvePriceBook(input));
    if (!content.replicate.hardwarePerHour[content.replicate.defaultHardware]) {
      throw new PriceBookInvalidError(`replicate.defaultHardware "${content.replicate.defaultHardware}" has no price in replicate.hardwarePerHour`);
    }
    for (const [model, hardware] of Object.entries(content.replicate.modelHardware)) {
      if (!content.replicate.hardwarePerHour[hardware]) throw new PriceBookInvalidError(`replicate.modelHardware["${model}"] names "${hardware}", which has no price`);
    }
    const saved = await this.db.transaction(async (tx) => {
      const [last] = await tx.select({ version: tables.priceBooks.version }).from(tables.priceBooks).orderBy(desc(tables.priceBooks.version)).limit(1).for('update');
      const version = (last?.version ?? 0) + 1;
      const [row] = await tx.insert(tables.priceBooks).values({ version, content, createdBy: opts.userId, note: opts.note ?? null }).returning();
      return toVersion(row!);
    });
    this.#current = saved;
    return saved;
  }
}

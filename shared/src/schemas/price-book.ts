import { z } from 'zod';

/** Where a price came from and when it was read: every price in the book carries both. */
const Provenance = {
  source: z.string().min(1).max(500),
  date: z.iso.date(),
  note: z.string().max(500).optional(),
};

/**
 * One price, integer milli-fen. A price quoted in dollars keeps its dollar figure (`usdMicros`, millionths of a
 * dollar) beside the milli-fen it converts to at the book's dated rate, so anyone can check the conversion.
 */
export const Price = z.strictObject({ milliFen: z.int().nonnegative(), usdMicros: z.int().nonnegative().optional(), ...Provenance });
export type Price = z.infer<typeof Price>;

/**
 * A price as an editor sends it: milli-fen, or dollars (micro-dollars), which win and are converted at the book's
 * rate (so a book read with GET and sent back with a new rate converts again).
 */
export const PriceInput = z.strictObject({ milliFen: z.int().nonnegative().optional(), usdMicros: z.int().nonnegative().optional(), ...Provenance })
  .refine((p) => p.milliFen !== undefined || p.usdMicros !== undefined, { message: 'give milliFen or usdMicros' });
export type PriceInput = z.infer<typeof PriceInput>;

const Name = z.string().min(1).max(120);

function priceBookShape<P extends z.ZodType>(price: P) {
  return z.strictObject({
    /** CNY per USD as milli-fen per dollar (¥7.10 = 710,000), dated: dollar prices are converted with it. */
    usdToCny: z.strictObject({ milliFenPerUsd: z.int().positive(), ...Provenance }),
    comfyui: z.strictObject({
      /** Per hour of a server none of the entries below names. */
      defaultPerHour: price,
      /** Per hour by GPU type (the `gpu=` of COMFYUI_URLS), rented or amortised. */
      gpuPerHour: z.record(Name, price),
      /** Per hour of one named server (the `name=` of COMFYUI_URLS); wins over its GPU type. */
      serverPerHour: z.record(Name, price),
    }),
    replicate: z.strictObject({
      /** Per hour of Replicate hardware (they bill per second; an hour keeps the integer exact). */
      hardwarePerHour: z.record(Name, price),
      /** The hardware a Replicate model runs on when the book does not say. */
      defaultHardware: Name,
      /** Model (owner/name) → the hardware it runs on. */
      modelHardware: z.record(Name, Name),
      /** Model (owner/name) → price per output, for official models Replicate bills per output, not per second. */
      perOutput: z.record(Name, price),
    }),
    /** Our own CPUs (the `local` backend), per core-hour. */
    localCpuPerCoreHour: price,
    storagePerGbMonth: price,
    egressPerGb: price,
    /** The organisation-wide spend per UTC day; null: no cap. DAILY_BUDGET_FEN overrides it. */
    dailyBudget: z.strictObject({ milliFen: z.int().positive().nullable(), ...Provenance }),
    /** The promise the costs page measures against: total spend per image that goes live. */
    targetPerLiveImage: z.strictObject({ milliFen: z.int().positive(), ...Provenance }),
  });
}

/** The price book as stored and used: every amount in milli-fen. */
export const PriceBookContent = priceBookShape(Price);
export type PriceBookContent = z.infer<typeof PriceBookContent>;

/** The price book as shipped or edited (`PUT /api/prices`): dollar prices allowed, converted on save. */
export const PriceBookInput = priceBookShape(PriceInput);
export type PriceBookInput = z.infer<typeof PriceBookInput>;

/** One saved version of the book. Ledger entries name the version they were priced with. */
export const PriceBookVersion = z.object({
  version: z.int().positive(),
  content: PriceBookContent,
  createdAt: z.iso.datetime(),
  createdBy: z.string().nullable(),
  note: z.string().nullable(),
});
export type PriceBookVersion = z.infer<typeof PriceBookVersion>;

/** `PUT /api/prices`: a whole new version (the previous stays, for the ledger entries priced with it). */
export const PriceBookUpdate = z.strictObject({ content: PriceBookInput, note: z.string().max(500).optional() });
export type PriceBookUpdate = z.infer<typeof PriceBookUpdate>;

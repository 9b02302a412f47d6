import type { PriceBookContent, PriceBookInput, PriceInput, Price } from '../schemas/price-book.ts';
import { fenToMilliFen, usdMicrosToMilliFen } from './money.ts';

/** Resolve an edited or shipped book: every dollar price converted at the book's own dated rate. */
export function resolvePriceBook(input: PriceBookInput): PriceBookContent {
  const rate = input.usdToCny.milliFenPerUsd;
  const price = (p: PriceInput): Price => (p.usdMicros !== undefined
    ? { ...p, milliFen: usdMicrosToMilliFen(p.usdMicros, rate) }
    : { ...p, milliFen: p.milliFen! });
  const each = (r: Record<string, PriceInput>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, price(v)]));
  return {
    usdToCny: input.usdToCny,
    comfyui: { defaultPerHour: price(input.comfyui.defaultPerHour), gpuPerHour: each(input.comfyui.gpuPerHour), serverPerHour: each(input.comfyui.serverPerHour) },
    replicate: {
      hardwarePerHour: each(input.replicate.hardwarePerHour), defaultHardware: input.replicate.defaultHardware,
      modelHardware: input.replicate.modelHardware, perOutput: each(input.replicate.perOutput),
    },
    localCpuPerCoreHour: price(input.localCpuPerCoreHour),
    storagePerGbMonth: price(input.storagePerGbMonth),
    egressPerGb: price(input.egressPerGb),
    dailyBudget: input.dailyBudget,
    targetPerLiveImage: input.targetPerLiveImage,
  };
}

/** The environment's price overrides (COMFYUI_URLS' fenPerHour, REPLICATE_FEN_PER_HOUR, DAILY_BUDGET_FEN), in fen. */
export interface PriceOverrides {
  comfyServerFenPerHour?: Readonly<Record<string, number>>;
  replicateFenPerHour?: number;
  dailyBudgetFen?: number;
}

/** How a run is billed: by time at an hourly price, or per output. `source` says which entry priced it. */
export type Rate =
  | { basis: 'per-hour'; milliFenPerHour: number; source: string }
  | { basis: 'per-output'; milliFenPerOutput: number; source: string };

/** The hourly price of a ComfyUI server: its override, then its name in the book, then its GPU type, then the default. */
export function comfyRate(book: PriceBookContent, server: { name?: string; gpu?: string; fenPerHour?: number }, overrides: PriceOverrides = {}): Rate {
  const fen = server.fenPerHour || (server.name !== undefined ? overrides.comfyServerFenPerHour?.[server.name] : undefined);
  if (fen) return { basis: 'per-hour', milliFenPerHour: fenToMilliFen(fen), source: `COMFYUI_URLS fenPerHour=${fen}` };
  if (server.name && book.comfyui.serverPerHour[server.name]) {
    return { basis: 'per-hour', milliFenPerHour: book.comfyui.serverPerHour[server.name]!.milliFen, source: `price book: server ${server.name}` };
  }
  if (server.gpu && book.comfyui.gpuPerHour[server.gpu]) {
    return { basis: 'per-hour', milliFenPerHour: book.comfyui.gpuPerHour[server.gpu]!.milliFen, source: `price book: GPU ${server.gpu}` };
  }
  return { basis: 'per-hour', milliFenPerHour: book.comfyui.defaultPerHour.milliFen, source: 'price book: ComfyUI default' };
}

/** A Replicate model's price: per output when the book lists one, else its hardware per hour (REPLICATE_FEN_PER_HOUR wins). */
export function replicateRate(book: PriceBookContent, model: string | undefined, overrides: PriceOverrides = {}): Rate {
  if (model && book.replicate.perOutput[model]) {
    return { basis: 'per-output', milliFenPerOutput: book.replicate.perOutput[model]!.milliFen, source: `price book: ${model} per output` };
  }
  if (overrides.replicateFenPerHour !== undefined) {
    return { basis: 'per-hour', milliFenPerHour: fenToMilliFen(overrides.replicateFenPerHour), source: `REPLICATE_FEN_PER_HOUR=${overrides.replicateFenPerHour}` };
  }
  const hardware = (model && book.replicate.modelHardware[model]) || book.replicate.defaultHardware;
  const price = book.replicate.hardwarePerHour[hardware];
  if (!price) throw new Error(`price book has no price for Replicate hardware "${hardware}"`);
  return { basis: 'per-hour', milliFenPerHour: price.milliFen, source: `price book: Replicate ${hardware}` };
}

export function localRate(book: PriceBookContent): Rate {
  return { basis: 'per-hour', milliFenPerHour: book.localCpuPerCoreHour.milliFen, source: 'price book: local CPU per core-hour' };
}

/** The daily cap in force: DAILY_BUDGET_FEN, else the book's; null: none. */
export function dailyCapMilliFen(book: PriceBookContent, overrides: PriceOverrides = {}): number | null {
  if (overrides.dailyBudgetFen !== undefined) return fenToMilliFen(overrides.dailyBudgetFen);
  return book.dailyBudget.milliFen;
}

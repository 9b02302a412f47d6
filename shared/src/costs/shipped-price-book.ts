import { PriceBookInput, type PriceBookContent } from '../schemas/price-book.ts';
import shippedJson from './price-book.json' with { type: 'json' };
import { resolvePriceBook } from './price-lookup.ts';

/**
 * The price book this release ships (`price-book.json`, every price with its source and the date it was read):
 * version 1 of a fresh database. Admins edit the database's copy; this file only seeds it.
 */
export function shippedPriceBook(): PriceBookContent {
  return resolvePriceBook(PriceBookInput.parse(shippedJson));
}

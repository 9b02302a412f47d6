// Pure money maths for the cost ledger, browser-safe: the server meters and rolls up with it, the studio formats with it.
export * from './money.ts';
export * from './price-lookup.ts';
export * from './rollup.ts';
export * from './budget.ts';
export * from './routing.ts';
export * from './idle.ts';
export { shippedPriceBook } from './shipped-price-book.ts';

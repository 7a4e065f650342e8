/** Redis stream ids `<ms>-<seq>`, compared as the pair of numbers they are (without the arrays split would make: boards compare one per event). */
export function compareStreamIds(a: string, b: string): number {
  const ad = a.indexOf('-');
  const bd = b.indexOf('-');
  const ms = Number(ad < 0 ? a : a.slice(0, ad)) - Number(bd < 0 ? b : b.slice(0, bd));
  if (ms !== 0) return Math.sign(ms);
  return Math.sign((ad < 0 ? 0 : Number(a.slice(ad + 1))) - (bd < 0 ? 0 : Number(b.slice(bd + 1))));
}

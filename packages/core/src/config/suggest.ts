/**
 * "Did you mean ...?" for unknown config keys and environment variables.
 * Hand-written because it is a dozen lines and no dependency is worth it.
 */

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate closest to `word` (case-insensitively, ignoring `_`), if it is
 * close enough to be a plausible typo or a truncation (`memory` → `memoryKiB`);
 * otherwise undefined.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const normalize = (text: string) => text.toLowerCase().replace(/_/g, '');
  const target = normalize(word);
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(target.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(target, normalize(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined || target.length < 4) return best;
  for (const candidate of candidates) {
    const normalized = normalize(candidate);
    if (normalized.startsWith(target) || target.startsWith(normalized)) return candidate;
  }
  return undefined;
}

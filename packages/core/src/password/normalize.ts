/**
 * Password normalisation (API.md "Passwords"): every length check, comparison
 * and hash works on the NFKC form, so the same password typed on different
 * keyboards or input methods ('ﬁ' vs 'fi', precomposed vs combining 'é')
 * is one password. Lengths are Unicode code points, so an emoji counts as one.
 */

/** The NFKC form of `password`: the only form that is hashed or compared. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Code points in `text` as given (no normalisation); a lone surrogate counts as one. */
export function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single astral code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** Length of `password` in Unicode code points after NFKC normalisation. */
export function passwordLength(password: string): number {
  return countCodePoints(normalizePassword(password));
}

/**
 * The building blocks every section of the config schema is written with: time units for
 * readable defaults, and validators whose bounds and expectations become the error
 * messages (describe.ts reads them back), so a message can never disagree with the check.
 */
import * as z from 'zod';

export const MINUTE = 60;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** An integer in [min, max]; error messages are derived from these bounds. */
export const int = (min: number, max: number = Number.MAX_SAFE_INTEGER) => z.int().min(min).max(max);

/** A string passing `test`; `expected` is what error messages say the key takes. */
export const checked = (test: (value: string) => boolean, expected: string) =>
  z
    .string()
    .refine(test, { error: `expected ${expected}` })
    .meta({ expected });

export const nonEmpty = z.string().min(1);

/**
 * Short, safe renderings of configuration values for error messages. Secret
 * keys are never rendered, and a URL's credentials are masked wherever a URL
 * appears, so a bad DATABASE_URL cannot leak its password into logs.
 */

/** Keys whose values are never shown, wherever they sit (`secret`, `password`, `clientSecret`, ...). */
const SENSITIVE_KEY =
  /^(?:secret|password|token|privateKey|apiKey)$|(?:Secret|Password|Token|PrivateKey|ApiKey)$/;

const MAX_LENGTH = 60;

/** True if the value at `path` is a secret (`secret`, `bootstrapAdmin.password`, `*Token`, ...). */
export function isSensitivePath(path: readonly (string | number)[]): boolean {
  return path.some((segment) => typeof segment === 'string' && SENSITIVE_KEY.test(segment));
}

/** Objects that hold secrets: a wrong-shaped value there is described by its type only. */
const holdsSecrets = (path: readonly (string | number)[]): boolean =>
  path.length === 0 || (path.length === 1 && path[0] === 'bootstrapAdmin');

/** Masks the password (or lone token) of every `scheme://user:password@` in `text`. */
export function redactUrl(text: string): string {
  return text.replace(
    /([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^@/\s?#]*)@/g,
    (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon === -1 ? `${scheme}***@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
    },
  );
}

function truncate(text: string): string {
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  return `a ${typeof value}`;
}

function renderInner(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (
    value === null ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'bigint'
  ) {
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(truncate(redactUrl(value)));
  if (Array.isArray(value)) {
    const items = value.map((item) =>
      typeof item === 'object' && item !== null ? typeName(item) : renderInner(item),
    );
    return truncate(`[${items.join(', ')}]`);
  }
  return typeName(value);
}

/** A short rendering of `value` found at `path`, e.g. `"abc"`, `42`, `[redacted]`. */
export function renderValue(value: unknown, path: readonly (string | number)[]): string {
  if (value === undefined) return 'nothing';
  if (holdsSecrets(path)) return typeName(value);
  if (isSensitivePath(path)) return typeof value === 'string' ? '[redacted]' : typeName(value);
  return renderInner(value);
}

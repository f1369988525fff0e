import type { FastifyInstance } from 'fastify';

/**
 * The API speaks JSON only. Fastify also parses text/plain by default; without that
 * parser a body of any other type is refused with 415 before a handler runs.
 *
 * An empty body sent as `application/json` (what many HTTP clients send for a bare POST) is
 * an absent body, as if no content-type had come: a route whose body is optional (logout)
 * accepts it, and one that needs a body answers 400 validation_error. Anything else goes
 * to Fastify's own JSON parser (with its prototype-poisoning protection).
 */
export function acceptJsonOnly(app: FastifyInstance): void {
  app.removeContentTypeParser(['text/plain']);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8'); // parseAs 'string'
    if (text === '') {
      done(null, undefined);
      return;
    }
    void parseJson(request, text, done);
  });
}

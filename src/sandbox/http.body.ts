import type { Request } from 'express';

/**
 * Request bodies, read by the sandbox itself (it is mounted before the gateway's body parsers, like another
 * server): JSON, urlencoded and multipart (Docebo's own token sample is `curl -F`, docebo-api.md §2.3), with
 * PHP-style `name[]` arrays in the form encodings.
 */

export type BodyFields = Record<string, unknown>;

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

export const BODY_LIMIT = 1024 * 1024;

export async function readBody(req: Request, limit = BODY_LIMIT): Promise<BodyFields> {
  // Mounted behind a body parser after all (someone else's app): use what it parsed.
  if (req.readableEnded) return req.body && typeof req.body === 'object' ? (req.body as BodyFields) : {};
  const raw = await readRaw(req, limit);
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (raw.length === 0) return {};
  if (type === 'application/json' || type.endsWith('+json')) return parseJson(raw);
  if (type === 'application/x-www-form-urlencoded')
    return phpFields(new URLSearchParams(raw.toString('utf8')));
  if (type === 'multipart/form-data') return parseMultipart(raw, String(req.headers['content-type']));
  throw new BodyError(
    415,
    'The body must be JSON, application/x-www-form-urlencoded or multipart/form-data.',
  );
}

function readRaw(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(new BodyError(413, 'The request body is too large.'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyError(413, 'The request body is too large.'));
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', () => reject(new BodyError(400, 'The request body could not be read.')));
  });
}

function parseJson(raw: Buffer): BodyFields {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BodyError(400, 'The request body is not valid JSON.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new BodyError(400, 'The request body must be a JSON object.');
  return value as BodyFields;
}

async function parseMultipart(raw: Buffer, contentType: string): Promise<BodyFields> {
  let form: FormData;
  try {
    // undici (Node's fetch) parses multipart/form-data; no extra dependency needed.
    form = await new Request('http://sandbox.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(raw),
    }).formData();
  } catch {
    throw new BodyError(400, 'The multipart body could not be parsed.');
  }
  const pairs: [string, string][] = [];
  for (const [key, value] of form) {
    if (typeof value !== 'string') throw new BodyError(400, `Field "${key}" must not be a file.`);
    pairs.push([key, value]);
  }
  return phpFields(pairs);
}

/** `a=1&b[]=2&b[]=3&c[x]=4` → `{a:'1', b:['2','3'], c:{x:'4'}}` (PHP's reading; a repeated plain key: last wins). */
export function phpFields(pairs: Iterable<[string, string]>): BodyFields {
  const out: BodyFields = {};
  for (const [key, value] of pairs) {
    const m = /^([^[\]]+)\[([^[\]]*)\]$/.exec(key);
    if (!m) {
      out[key] = value;
      continue;
    }
    const [, name, sub] = m;
    if (sub === '' || /^\d+$/.test(sub)) {
      const list = Array.isArray(out[name]) ? (out[name] as unknown[]) : (out[name] = []);
      (list as unknown[]).push(value);
    } else {
      const obj =
        out[name] && typeof out[name] === 'object' && !Array.isArray(out[name])
          ? (out[name] as Record<string, unknown>)
          : (out[name] = {});
      (obj as Record<string, unknown>)[sub] = value;
    }
  }
  return out;
}

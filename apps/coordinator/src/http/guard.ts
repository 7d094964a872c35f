/**
 * Who may change things over HTTP. Every mutating request (POST, PUT, PATCH, DELETE) and the
 * join code's routes need the coordinator's API token (`Authorization: Bearer <token>`);
 * a mutating request must carry a JSON or YAML body type (a browser can send `text/plain`
 * or a form cross-site without a preflight, so those are refused), and one that names an
 * Origin must come from the coordinator's own origin (a page elsewhere cannot drive it even
 * if it learned the token). Refusals are JSON `{ error, code }` with 401/403/415.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const JSON_TYPES = ['application/json'];
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];
const BODY_TYPES = new Set([...JSON_TYPES, ...YAML_TYPES]);
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** 32 random bytes, URL-safe (it travels in a URL fragment to the dashboard). */
export function makeApiToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison, so the token cannot be guessed a character at a time. */
export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

function refuse(reply: FastifyReply, status: number, code: string, error: string): FastifyReply {
  return reply.code(status).send({ error, code });
}

/** Same origin means same scheme, host and port as the request's Host header. */
function sameOrigin(req: FastifyRequest, origin: string): boolean {
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  return o.host === req.headers.host && (o.protocol === 'http:' || o.protocol === 'https:');
}

/** Token check for one request; answers the refusal and returns false when it fails. */
export function requireToken(token: string, req: FastifyRequest, reply: FastifyReply): boolean {
  if (tokenMatches(token, bearerToken(req))) return true;
  refuse(
    reply,
    401,
    'UNAUTHORIZED',
    `${req.method} ${req.routeOptions.url ?? req.url} needs the coordinator's API token (Authorization: Bearer <token>; the lab prints it with the dashboard URL)`,
  );
  return false;
}

/**
 * The onRequest check of mutating requests: Origin, token, then body type (so an anonymous
 * caller learns nothing about what the body would have done).
 */
export function guardMutation(token: string, req: FastifyRequest, reply: FastifyReply): boolean {
  if (!MUTATING.has(req.method)) return true;
  const origin = req.headers.origin;
  if (typeof origin === 'string' && !sameOrigin(req, origin)) {
    refuse(reply, 403, 'BAD_ORIGIN', `requests from origin ${origin} are refused (cross-site)`);
    return false;
  }
  if (!requireToken(token, req, reply)) return false;
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (hasBody && !BODY_TYPES.has(type)) {
    refuse(
      reply,
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `request bodies must be JSON or YAML (content-type application/json or application/yaml), got '${type || 'none'}'`,
    );
    return false;
  }
  return true;
}

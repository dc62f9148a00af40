/**
 * Files sent to and from the API (archive attachments, oral-history files, intake documents): the
 * raw body of an upload, its name, and a stored file sent back as a download.
 */
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { badRequest } from '../errors.ts';

/**
 * Takes the raw bodies of these content types, up to `maxBytes`, for the routes of the plugin it is
 * called in (and only there: a parser added in a plugin stays in it).
 */
export function acceptRawBodies(
  app: FastifyInstance,
  contentTypes: readonly string[],
  maxBytes: number,
): void {
  app.addContentTypeParser(
    [...contentTypes],
    { parseAs: 'buffer', bodyLimit: maxBytes },
    (_request, body, done) => done(null, body),
  );
}

/** The name given in ?name= without any folder before it; 400 with `message` when none is left. */
export function uploadName(given: string, message = '附件名称不能为空'): string {
  const name = path.basename(given.trim().replace(/\\/g, '/'));
  if (!name) throw badRequest(message);
  return name;
}

/** A download's answer in the API description: the file's bytes. */
export const FileAnswer = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'The file' });

/** Sends a stored file as a download under its own name (RFC 6266: `filename*` in UTF-8). */
export function sendFile(reply: FastifyReply, file: { contentType: string; name: string }, body: Buffer) {
  return reply
    .type(file.contentType)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
    .send(body);
}

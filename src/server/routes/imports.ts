import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IMPORT_FORMATS, type ImportFormat } from '../../import/types.ts';
import type { AppContext } from '../context.ts';
import { actorId, guard } from '../guard.ts';
import { HttpError, notFound } from '../http-error.ts';
import type { RoleRequirement } from '../policy.ts';
import { ErrorResponse } from './schemas.ts';

/**
 * Imports by upload: the file is streamed to a file of its own in the upload folder (size-limited,
 * never held in memory; FOEDUS_UPLOAD_DIR, shared by every server process on one PostgreSQL so that
 * any of them can run the job), then queued as a background job; the client polls the job or follows
 * import.* events on the live feed.
 */

const Progress = z.object({
  rows: z.number().int(),
  imported: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  conflicts: z.number().int().describe('Incidents corrected by hand that the source now gives otherwise: kept as corrected'),
  rejected: z.number().int(),
});

const Rejection = z.object({
  line: z.number().int().describe('Line of the file where the bad record starts'),
  column: z.string().nullable().describe('CSV column or JSON path, null when the whole record is at fault'),
  reason: z.string(),
});

export const ImportJobSchema = z
  .object({
    id: z.string(),
    status: z.enum(['queued', 'running', 'done', 'failed', 'interrupted']).describe('interrupted: the server running it stopped; what was committed is kept'),
    file: z.string(),
    format: z.enum(IMPORT_FORMATS).nullable(),
    actor: z.string(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    progress: Progress,
    summary: z
      .object({
        file: z.string(),
        format: z.enum(IMPORT_FORMATS),
        strict: z.boolean(),
        rows: z.number().int(),
        imported: z.number().int(),
        updated: z.number().int(),
        unchanged: z.number().int(),
        conflicts: z.number().int(),
        conflictIds: z.array(z.string()).describe('The first of the conflicting incidents: corrected by hand, kept so; the source\'s row is among their reports'),
        rejected: z.number().int(),
        rejections: z.array(Rejection),
        rejectionsTruncated: z.boolean(),
        batches: z.number().int(),
        durationMs: z.number(),
      })
      .nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'ImportJob' });

export const ImportAccepted = z.object({ job: z.object({ id: z.string(), status: z.enum(['queued', 'running', 'done', 'failed', 'interrupted']) }) });

const FORMAT_FIELD = z.enum(IMPORT_FORMATS);

export const importRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['imports'];

  app.post('/api/v1/imports', {
    config: { requires: [['create', 'import']] satisfies RoleRequirement },
    schema: {
      tags,
      summary: 'Upload a UCDP GED CSV, ACLED CSV, GeoJSON or incident JSON file (multipart/form-data, field "file"; optional field or query "format") → a background import job',
      consumes: ['multipart/form-data'],
      querystring: z.strictObject({ format: FORMAT_FIELD.optional().describe('Detected from the file name and first bytes when absent') }),
      response: {
        202: ImportAccepted,
        400: ErrorResponse,
        401: ErrorResponse,
        403: ErrorResponse,
        413: ErrorResponse,
        415: ErrorResponse,
      },
    },
  }, async (request, reply) => {
    guard(request, 'create', { type: 'import' });
    if (!request.isMultipart()) {
      throw new HttpError(415, 'unsupported_media_type', 'Send the file as multipart/form-data with a field named "file".');
    }
    let format: ImportFormat | null = request.query.format ?? null;
    let saved: { dir: string; path: string; fileName: string } | null = null;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (part.fieldname !== 'format') throw new HttpError(400, 'invalid_request', `multipart: unknown field "${part.fieldname}"; send "file" and optionally "format"`);
          const f = FORMAT_FIELD.safeParse(part.value);
          if (!f.success) throw new HttpError(400, 'invalid_request', `format: must be one of ${IMPORT_FORMATS.join(', ')}`);
          format = f.data;
          continue;
        }
        if (part.fieldname !== 'file') {
          part.file.resume();
          throw new HttpError(400, 'invalid_request', `multipart: the file must be sent in a field named "file" (got "${part.fieldname}")`);
        }
        if (saved) {
          part.file.resume();
          throw new HttpError(400, 'invalid_request', 'multipart: send one file per import');
        }
        await mkdir(ctx.uploadDir, { recursive: true });
        const dir = await mkdtemp(join(ctx.uploadDir, 'foedus-upload-'));
        const fileName = basename(part.filename || 'upload').replace(/[^\w.\- ]/g, '_') || 'upload';
        saved = { dir, path: join(dir, `${randomUUID()}-${fileName}`), fileName };
        await pipeline(part.file, createWriteStream(saved.path));
        if (part.file.truncated) throw new HttpError(413, 'payload_too_large', `The file is larger than the upload limit (${ctx.uploadLimitBytes} bytes).`);
      }
      if (!saved) throw new HttpError(400, 'invalid_request', 'multipart: no file; send it in a field named "file"');
    } catch (err) {
      if (saved) await rm(saved.dir, { recursive: true, force: true });
      throw malformedMultipart(err) ?? err;
    }
    const job = await ctx.jobs.enqueue({ path: saved.path, fileName: saved.fileName, format, actor: actorId(request), cleanup: saved.dir });
    return reply.code(202).header('location', `/api/v1/imports/${job.id}`).send({ job: { id: job.id, status: job.status } });
  });

  app.get('/api/v1/imports/:id', {
    schema: {
      tags,
      summary: 'An import job: status, committed progress, and its summary (with rejected rows) when done',
      params: z.strictObject({ id: z.string().min(1).max(100) }),
      response: { 200: ImportJobSchema, 401: ErrorResponse, 404: ErrorResponse },
    },
  }, async (request) => {
    guard(request, 'read', { type: 'import' });
    const job = await ctx.jobs.get(request.params.id);
    if (!job) throw notFound(`Import job "${request.params.id}"`);
    return job;
  });
};

/**
 * The multipart parser's own complaints about a broken body (cut short, no boundary, a bad part
 * header) are the client's fault: a 400 saying so, not a 500.
 */
function malformedMultipart(err: unknown): HttpError | null {
  if (err instanceof HttpError || !(err instanceof Error)) return null;
  if (!/Unexpected end of (form|multipart data)|Malformed part header|Boundary not found|Malformed urlencoded form/i.test(err.message)) return null;
  return new HttpError(400, 'malformed_multipart', `The multipart body is malformed (${err.message}): send the whole file as multipart/form-data.`);
}

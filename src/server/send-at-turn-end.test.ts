import { readFile } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { sendAtTurnEnd } from './send-at-turn-end.ts';

/** Runs the hook from inside an I/O callback, as the server does, and records when `done` comes relative to the turn's other callbacks. */
function runFromIo(payload: unknown): Promise<{ events: string[]; args: unknown[] }> {
  return new Promise((resolve) => {
    readFile(fileURLToPath(import.meta.url), () => {
      const events: string[] = [];
      let args: unknown[] = [];
      setTimeout(() => {
        events.push('timer');
        resolve({ events, args });
      }, 0);
      const hook = sendAtTurnEnd as unknown as (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (...a: unknown[]) => void) => void;
      hook({} as FastifyRequest, {} as FastifyReply, payload, (...a: unknown[]) => {
        events.push('done');
        args = a;
      });
      events.push('after hook');
      process.nextTick(() => events.push('next tick'));
      void Promise.resolve().then(() => events.push('microtask'));
      setImmediate(() => events.push('immediate queued after the hook'));
    });
  });
}

describe('sendAtTurnEnd', () => {
  it('holds the answer until the turn\'s other callbacks have run, and sends it before the next timers', async () => {
    const { events } = await runFromIo('{"a":1}');
    expect(events).toEqual(['after hook', 'next tick', 'microtask', 'done', 'immediate queued after the hook', 'timer']);
  });

  it('passes the payload on unchanged, with no error', async () => {
    const body = Buffer.from('{"status":"ok"}');
    const { args } = await runFromIo(body);
    expect(args).toEqual([null, body]);
    expect(args[1]).toBe(body);
  });
});

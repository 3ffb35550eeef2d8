/**
 * The transport floor of the HTTP benchmark: a bare Fastify server (no plugins,
 * no auth, no store, no validation; one hook: answers are written at the end of
 * the loop turn, as Foedus writes them) whose routes answer constant
 * bytes of the sizes the real endpoints answer. bench/server.ts loads it with
 * the same load generator in the same run, to show what HTTP alone allows on
 * this machine for answers of that size, beside what Foedus reaches:
 *
 *   GET  /healthz  {"status":"ok"}, the same bytes as Foedus's trivial endpoint
 *   POST /answer   reads a JSON body, answers ANSWER_BYTES bytes of JSON (POST /api/v1/assess's size)
 *   GET  /page     answers PAGE_BYTES bytes of JSON (a page of GET /api/v1/incidents with dates)
 *   GET  /page2    answers PAGE2_BYTES bytes of JSON (a page of GET /api/v1/incidents, newest first)
 *
 *   node --import tsx bench/floor-server.ts ANSWER_BYTES PAGE_BYTES PAGE2_BYTES   → prints its URL on stderr
 */
import Fastify from 'fastify';
import { sendAtTurnEnd } from '../src/server/send-at-turn-end.ts';

const [answerBytes, pageBytes, page2Bytes] = process.argv.slice(2).map(Number);
if (!Number.isInteger(answerBytes) || !Number.isInteger(pageBytes) || !Number.isInteger(page2Bytes)) {
  process.stderr.write('usage: floor-server.ts ANSWER_BYTES PAGE_BYTES PAGE2_BYTES\n');
  process.exit(2);
}

/** A JSON document of exactly `n` bytes. */
function jsonOf(n: number): Buffer {
  const head = '{"pad":"', tail = '"}';
  return Buffer.from(head + 'x'.repeat(Math.max(0, n - head.length - tail.length)) + tail);
}
const answer = jsonOf(answerBytes!);
const page = jsonOf(pageBytes!);
const page2 = jsonOf(page2Bytes!);

const app = Fastify({ logger: false });
// The one thing it shares with Foedus: answers written at the end of the loop turn, as Foedus writes
// them (src/server/send-at-turn-end.ts), so the floor is what HTTP allows written that way.
app.addHook('onSend', sendAtTurnEnd);
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/answer', async (_request, reply) => reply.type('application/json; charset=utf-8').send(answer));
app.get('/page', async (_request, reply) => reply.type('application/json; charset=utf-8').send(page));
app.get('/page2', async (_request, reply) => reply.type('application/json; charset=utf-8').send(page2));
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stderr.write(`floor server listening at ${url}/\n`);
for (const s of ['SIGTERM', 'SIGINT'] as const) process.on(s, () => void app.close().then(() => process.exit(0)));

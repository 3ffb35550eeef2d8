import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/store/database.ts';
import { startTestServer, type TestServer } from './helpers.ts';
import { openStream, until, type SseEvent, type SseStream } from './sse.ts';

/**
 * Issue 19: a browser that reconnects to the live feed (EventSource sends Last-Event-ID by itself)
 * is sent every event it missed, in order, then the live ones, with the same filter as live events:
 * a note restricted to Niger never reaches Mali's liaison, not even in a replay.
 */

const attack = { date: '2026-03-01', kind: 'armed_attack', location: { lat: 14.2, lon: 1.45, country: 'NER' }, perpetrator: { type: 'non_state_armed_group' }, target: { type: 'armed_forces', country: 'NER' }, fatalities: 20 };
const isRestricted = (e: SseEvent) => e.event === 'case.note' && (e.data as { note: { restricted: boolean } }).note.restricted;
const summary = (events: SseEvent[]) => events.map((e) => `${e.id} ${e.event}`);

describe.each<Dialect>(['sqlite', 'postgres'])('replaying the live feed with Last-Event-ID (%s)', (dialect) => {
  let s: TestServer;
  const streams: SseStream[] = [];
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(async () => {
    for (const st of streams) st.close();
    await s?.close();
  });

  it('sends a reconnecting client exactly the events it missed, in order, restricted notes still filtered, then the live ones', async () => {
    // The secretariat's stream stays connected throughout: the reference of what was sent.
    const reference = await openStream(s.url, { token: s.tokens.secretariat });
    const mli = await openStream(s.url, { token: s.tokens.liaisonMli });
    streams.push(reference, mli);
    const first = await s.api('POST', '/api/v1/incidents', { json: { incident: attack } });
    expect(first.status).toBe(201);
    await until(() => mli.events.some((e) => e.event === 'incident.created'), 5_000, 'the first incident on the stream');
    const last = mli.lastId()!;
    expect(last).toBeGreaterThan(0);
    mli.close();
    await until(() => mli.ended);

    // While Mali's liaison is away: a case on that incident, a note restricted to Niger, a shared one, another incident.
    const opened = await s.api('POST', '/api/v1/cases', { json: { incidentId: first.body.id, charter: 'aes-2023', provision: '6.collective_defence', reason: 'replay' } });
    expect(opened.status).toBe(201);
    const caseId = opened.body.case.id;
    expect((await s.api('POST', `/api/v1/cases/${caseId}/notes`, { as: 'liaisonNer', json: { text: 'Unit positions: secret', restricted: true } })).status).toBe(201);
    expect((await s.api('POST', `/api/v1/cases/${caseId}/notes`, { as: 'liaisonNer', json: { text: 'Thanks to our allies' } })).status).toBe(201);
    const second = await s.api('POST', '/api/v1/incidents', { json: { incident: { ...attack, date: '2026-03-02' } } });
    expect(second.status).toBe(201);
    await until(() => reference.events.some((e) => e.event === 'incident.created' && (e.data as { id: string }).id === second.body.id), 5_000, 'the second incident on the reference stream');

    const back = await openStream(s.url, { token: s.tokens.liaisonMli }, last);
    streams.push(back);
    // What was made meanwhile: up to the second incident (the assessment refresh may publish more afterwards, live).
    const end = reference.events.find((e) => e.event === 'incident.created' && (e.data as { id: string }).id === second.body.id)!.id!;
    const meanwhile = (events: SseEvent[]) => events.filter((e) => e.id! > last && e.id! <= end);
    const missed = meanwhile(reference.events);
    expect(missed.some(isRestricted)).toBe(true);
    const expected = missed.filter((e) => !isRestricted(e));
    // The replay is written before `: connected`: everything is there now, first.
    expect(summary(back.events.slice(0, expected.length))).toEqual(summary(expected));
    expect(summary(meanwhile(back.events))).toEqual(summary(expected));
    expect(back.events.slice(0, expected.length).map((e) => e.data)).toEqual(expected.map((e) => e.data));
    expect(back.events.filter((e) => e.event === 'case.note').map((e) => (e.data as { note: { text: string } }).note.text)).toEqual(['Thanks to our allies']);

    // Then the live events follow, each once.
    const third = await s.api('POST', '/api/v1/incidents', { json: { incident: { ...attack, date: '2026-03-03' } } });
    expect(third.status).toBe(201);
    await until(() => back.events.some((e) => e.event === 'incident.created' && (e.data as { id: string }).id === third.body.id), 5_000, 'the third incident after the replay');
    const ids = back.events.map((e) => e.id!);
    expect(ids).toEqual([...new Set(ids)].sort((x, y) => x - y));

    // The secretariat, reconnecting from the same point, is sent the restricted note too.
    const sec = await openStream(s.url, { token: s.tokens.secretariat }, last);
    streams.push(sec);
    expect(sec.events.filter(isRestricted)).toHaveLength(1);
  });

  it('starts from now for a Last-Event-ID it cannot read or from the future', async () => {
    for (const id of ['not-a-number', '999999999999']) {
      const st = await openStream(s.url, { token: s.tokens.observer }, id);
      streams.push(st);
      // Nothing replayed (an assessment's progress may come live at any time).
      expect(st.events.filter((e) => e.event !== 'assessments.progress')).toEqual([]);
      const inc = await s.api('POST', '/api/v1/incidents', { json: { incident: { ...attack, date: '2026-03-04' } } });
      expect(inc.status).toBe(201);
      await until(() => st.events.some((e) => e.event === 'incident.created'), 5_000, 'a live incident');
      expect((st.events.find((e) => e.event === 'incident.created')!.data as { id: string }).id).toBe(inc.body.id);
      st.close();
    }
  });
});

import { create } from 'xmlbuilder2';
import type { CapAlert } from './cap.ts';

/**
 * An Atom 1.0 feed (RFC 4287) of CAP alerts, newest first, as CAP feeds are
 * commonly published (OASIS CAP feeds note): each entry links to its alert's XML
 * with type application/cap+xml; the entry id is the alert's sender and identifier,
 * so a reader that saw an alert once recognises it again.
 */

export const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom';

export interface FeedEntry {
  alert: CapAlert;
  /** Where the alert's XML is served (absolute or relative to the feed). */
  href: string;
}

export interface FeedOptions {
  /** The feed's own id (a stable URI) and address. */
  id: string;
  self: string;
  title: string;
  /** The CAP sender id, to build entries' ids. */
  sender: string;
  /** When the feed was made, used when it has no entry (ISO 8601). */
  now: string;
}

export function capAtomFeed(entries: readonly FeedEntry[], opts: FeedOptions): string {
  const sorted = [...entries].sort((a, b) => Date.parse(b.alert.sent) - Date.parse(a.alert.sent));
  const feed = create({ version: '1.0', encoding: 'UTF-8' }).ele(ATOM_NAMESPACE, 'feed');
  feed.ele('id').txt(opts.id);
  feed.ele('title').txt(opts.title);
  feed.ele('updated').txt(atomDate(sorted[0]?.alert.sent ?? opts.now));
  feed.ele('link', { rel: 'self', href: opts.self, type: 'application/atom+xml' });
  feed.ele('author').ele('name').txt(opts.sender);
  for (const { alert, href } of sorted) {
    const entry = feed.ele('entry');
    entry.ele('id').txt(`urn:cap:${opts.sender}:${alert.identifier}`);
    entry.ele('title').txt(`${alert.headline.en} / ${alert.headline.fr}`);
    entry.ele('updated').txt(atomDate(alert.sent));
    entry.ele('link', { rel: 'alternate', href, type: 'application/cap+xml' });
    entry.ele('category', { term: alert.msgType, label: alert.status });
    entry.ele('summary').txt(`${alert.msgType} (${alert.status}): ${alert.headline.en}`);
  }
  return feed.end({ prettyPrint: true });
}

/** Atom's date-time (RFC 3339), in UTC with "Z" (CAP's "-00:00" would read as "offset unknown" there). */
function atomDate(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}Z`;
}

import { create } from 'xmlbuilder2';
import { CAP_MEDIA_TYPE, xmlSafeText, type CapAlert } from './cap.ts';

/**
 * An Atom 1.0 feed (RFC 4287) of CAP alerts, newest first, as CAP feeds are
 * commonly published (OASIS CAP feeds note): each entry links to its alert's XML
 * with type application/cap+xml; the entry id is made from the alert's sender and
 * identifier, so a reader that saw an alert once recognises it again.
 *
 * Atom dates are RFC 3339 and written with "Z": CAP's "-00:00" rule is CAP's own (in
 * RFC 3339 "-00:00" means "local offset unknown"), it does not govern the feed.
 */

export const ATOM_NAMESPACE = 'http://www.w3.org/2005/Atom';
/** The media type the feed is served with. */
export const ATOM_MEDIA_TYPE = 'application/atom+xml';

export interface FeedEntry {
  alert: CapAlert;
  /** Where this alert's CAP XML is served (absolute, or relative to the feed's address). */
  href: string;
}

export interface FeedOptions {
  /** The feed's own id (a stable absolute URI) and address. */
  id: string;
  self: string;
  title: string;
  /** Who publishes the feed, as people read it (Atom requires an author). */
  author: string;
  /** When the feed was made, used when it has no entry (ISO 8601). */
  now: string;
}

export function capAtomFeed(entries: readonly FeedEntry[], opts: FeedOptions): string {
  const sorted = [...entries].sort((a, b) => Date.parse(b.alert.sent) - Date.parse(a.alert.sent));
  const feed = create({ version: '1.0', encoding: 'UTF-8' }).ele(ATOM_NAMESPACE, 'feed');
  feed.ele('id').txt(xmlSafeText(opts.id));
  feed.ele('title').txt(xmlSafeText(opts.title));
  feed.ele('updated').txt(atomDate(sorted[0]?.alert.sent ?? opts.now));
  feed.ele('link', { rel: 'self', href: opts.self, type: ATOM_MEDIA_TYPE });
  feed.ele('author').ele('name').txt(xmlSafeText(opts.author));
  for (const { alert, href } of sorted) {
    const entry = feed.ele('entry');
    entry.ele('id').txt(entryId(alert));
    // Both headlines; an exercise's start with EXERCISE / EXERCICE, so the title says so in both languages.
    entry.ele('title').txt(xmlSafeText(`${alert.headline.en} / ${alert.headline.fr}`));
    entry.ele('updated').txt(atomDate(alert.sent));
    // No atom:content: the alternate link to the CAP document is the entry's content (RFC 4287 §4.1.2).
    entry.ele('link', { rel: 'alternate', href, type: CAP_MEDIA_TYPE });
    entry.ele('category', { term: alert.msgType, label: alert.status });
    entry.ele('summary').txt(xmlSafeText(`${alert.msgType} (${alert.status}): ${alert.headline.en}`));
  }
  return feed.end({ prettyPrint: true });
}

/**
 * A URN naming the alert by its sender and identifier, percent-encoded because CAP
 * tokens may hold characters an IRI may not (`"`, `>`, `|`, `%`…).
 */
function entryId(alert: CapAlert): string {
  return `urn:cap:${encodeURIComponent(alert.sender)}:${encodeURIComponent(alert.identifier)}`;
}

/** Atom's date-time (RFC 3339) in UTC, without fractions. */
function atomDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`not a date-time: ${JSON.stringify(iso)}`);
  return `${d.toISOString().slice(0, 19)}Z`;
}

// CAP 1.2 alerts of collective-response cases and their Atom feed (pure; see ./cap.ts).
export * from './cap.ts';
export * from './atom.ts';

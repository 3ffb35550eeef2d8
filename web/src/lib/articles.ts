import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { CharterArticle, LocalText } from '../api/types.ts';

/** An article an assessment can name: one with provisions. */
export interface OperativeArticle {
  number: string;
  title: LocalText;
}

const cache = new Map<string, Promise<OperativeArticle[]>>();

function operativeOf(id: string): Promise<OperativeArticle[]> {
  let p = cache.get(id);
  if (!p) {
    p = api.charter(id).then((d) => ((d.charter.articles as CharterArticle[] | undefined) ?? [])
      .filter((a) => (a.provisions ?? []).length > 0)
      .map((a) => ({ number: a.number, title: a.title })));
    p.catch(() => cache.delete(id));
    cache.set(id, p);
  }
  return p;
}

/** Each charter's operative articles in the text's order, read once per page from /charters/:id. */
export function useOperativeArticles(ids: string[]): Map<string, OperativeArticle[]> {
  const [out, setOut] = useState(new Map<string, OperativeArticle[]>());
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    let live = true;
    const list = key ? key.split(',') : [];
    Promise.all(list.map(async (id) => [id, await operativeOf(id).catch(() => [])] as const)).then((pairs) => {
      if (live) setOut(new Map(pairs));
    });
    return () => { live = false; };
  }, [key]);
  return out;
}

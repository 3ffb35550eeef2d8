/**
 * Which importer a file needs, from its name and its first bytes (for
 * `foedus import FILE` without --format). Returns null when unsure: the
 * caller then asks for --format.
 */

export type ImportFormat = 'ucdp' | 'acled' | 'geojson' | 'incident';

export function detectImportFormat(fileName: string, head: string): ImportFormat | null {
  const name = fileName.toLowerCase();
  const text = head.replace(/^\uFEFF/, '');
  const firstLine = (text.split(/\r?\n/, 1)[0] ?? '').toLowerCase();
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || /\.(geo)?json$|\.ndjson$|\.jsonl$/.test(name)) {
    if (name.endsWith('.geojson') || /"type"\s*:\s*"FeatureCollection"/.test(text)) return 'geojson';
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'incident';
    return null;
  }
  const cols = firstLine.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
  if (cols.includes('type_of_violence') && cols.includes('where_prec')) return 'ucdp';
  if (cols.includes('event_id_cnty') && cols.includes('sub_event_type')) return 'acled';
  return null;
}

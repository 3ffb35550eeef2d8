import { api } from '../api/client.ts';
import type { Place } from '../api/types.ts';
import { maplibregl } from './basemap.ts';

/**
 * Place names over the map: the server picks the names a view deserves at its zoom (capitals,
 * then admin-1 units and towns by population, villages from zoom 10); here they are drawn as
 * HTML markers (no glyph server), most important first, skipping any that would overlap one
 * already drawn. Labels sit under the incident markers and never take a click.
 */
type Box = [number, number, number, number];

export function attachPlaceLabels(map: maplibregl.Map): { detach: () => void; redraw: () => void } {
  let markers: maplibregl.Marker[] = [];
  let last: Place[] = [];
  let ctl: AbortController | null = null;

  const draw = (places: Place[]) => {
    last = places;
    for (const m of markers) m.remove();
    markers = [];
    const frame = map.getContainer().getBoundingClientRect();
    const { width, height } = frame;
    // Incident markers drawn now keep their space: a name under a cluster could not be read anyway.
    const taken: Box[] = [...map.getContainer().querySelectorAll('.cluster')].map((el) => {
      const r = el.getBoundingClientRect();
      return [r.left - frame.left, r.top - frame.top, r.right - frame.left, r.bottom - frame.top];
    });
    const collides = (box: Box) => taken.some((b) => box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]);
    for (const p of places) {
      const at = map.project([p.lon, p.lat]);
      // Rough text box: about 7 px a character (more for regions and cities), 18 px high.
      const w = p.name.length * (p.kind === 'admin1' ? 8 : p.kind === 'village' ? 6.5 : 7.5) + 10;
      // A town's name goes right of its dot, or left when a marker or a name is there; a region's is centred.
      const spots: Array<{ side: 'center' | 'right' | 'left'; box: Box }> = p.kind === 'admin1'
        ? [{ side: 'center', box: [at.x - w / 2, at.y - 9, at.x + w / 2, at.y + 9] }]
        : [{ side: 'right', box: [at.x - 4, at.y - 9, at.x + w, at.y + 9] }, { side: 'left', box: [at.x - w, at.y - 9, at.x + 4, at.y + 9] }];
      // Whole labels only: one cut by the edge or the side panel reads as another name.
      const inside = spots.filter(({ box }) => box[0] >= 0 && box[2] <= width && box[1] >= 0 && box[3] <= height);
      // A capital is always named (under a marker if need be): it is how a reader finds their bearings.
      const spot = inside.find(({ box }) => !collides(box)) ?? (p.kind === 'capital' ? inside[0] : undefined);
      if (!spot) continue;
      taken.push(spot.box);
      const el = document.createElement('div');
      el.className = `place-label ${p.kind}${spot.side === 'left' ? ' flip' : ''}`;
      el.setAttribute('aria-hidden', 'true');
      el.dataset.place = p.name;
      el.textContent = p.name;
      const anchor = spot.side === 'center' ? 'center' : spot.side === 'right' ? 'left' : 'right';
      const offset: [number, number] = spot.side === 'right' ? [-4, 0] : spot.side === 'left' ? [4, 0] : [0, 0];
      markers.push(new maplibregl.Marker({ element: el, anchor, offset }).setLngLat([p.lon, p.lat]).addTo(map));
    }
    map.getContainer().dataset.placeLabels = String(markers.length);
  };

  const load = () => {
    ctl?.abort();
    ctl = new AbortController();
    const b = map.getBounds();
    const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
    const bbox = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
      .map((v) => v.toFixed(3)).join(',');
    const signal = ctl.signal;
    api.places(bbox, Math.floor(map.getZoom() + 0.25), signal).then((places) => { if (!signal.aborted) draw(places); }, () => undefined);
  };

  map.on('load', load);
  map.on('moveend', load);
  if (map.loaded()) load();
  return {
    detach: () => {
      ctl?.abort();
      map.off('load', load);
      map.off('moveend', load);
      for (const m of markers) m.remove();
      markers = [];
    },
    // The incident markers changed (they answer a separate request): place the same names around them again.
    redraw: () => draw(last),
  };
}

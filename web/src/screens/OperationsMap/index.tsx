import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { isCoarse, type Cluster, type IncidentRecord, type Place, type TimelineBucket } from '../../api/types.ts';
import { AES_LABELS, createMap, maplibregl } from '../../map/basemap.ts';
import { attachPlaceLabels } from '../../map/places.ts';
import { FilterBar } from '../../components/FilterBar.tsx';
import { PlaceSearch, zoomFor } from '../../components/PlaceSearch.tsx';
import { Timeline } from '../../components/Timeline.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { clean, monthRange, useFilters } from '../../lib/filters.tsx';
import { countryName } from '../../lib/countries.ts';
import { day, num } from '../../lib/format.ts';
import { useLive } from '../../lib/live.ts';
import { navigate, type Route } from '../../lib/router.ts';
import { currentLang } from '../../i18n/index.ts';
import { IncidentView, useCharters } from '../Incident/index.tsx';
import { clusterBackground } from '../../map/article-colours.ts';
import { ArticleLegend, ColourSelect, describeArcs, useArticleLabel, useColourBy, useColouring, type Colouring } from './colouring.tsx';
import './styles.css';

interface ViewState {
  clusters: Cluster[];
  total: number;
  coarse: number;
  buckets: TimelineBucket[];
}

function bboxOf(map: maplibregl.Map): string {
  const b = map.getBounds();
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
    .map((v) => v.toFixed(4)).join(',');
}

/** The incidents clustered at one place (deep zoom): a short list to open one. */
function CellList({ cell }: { cell: { lat: number; lon: number; count: number; cell: string } }) {
  const { t } = useTranslation('map');
  const tc = useTranslation('common').t;
  const lang = currentLang();
  const [filters] = useFilters();
  const [items, setItems] = useState<IncidentRecord[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    setItems(null);
    // The cluster's own cell (not a box around its mean point, which missed incidents spread over the cell).
    api.incidents({ ...clean(filters), cell: cell.cell, limit: 100 }).then((p) => live && setItems(p.items), (e: unknown) => live && setError(e));
    return () => { live = false; };
  }, [cell, filters]);
  return (
    <section data-testid="cell-list">
      <h2>{t('atPlace', { n: cell.count })}</h2>
      <ErrorBox error={error} />
      {!items && !error && <p className="muted">{tc('loading')}</p>}
      {items && (
        <ul className="cell-list">
          {items.map((r) => (
            <li key={r.id}>
              <a href={`#/map?incident=${encodeURIComponent(r.id)}`}>{day(r.incident.date)} · {tc(`kind.${r.incident.kind}`)}</a>
              <span className="muted small"> {[r.placeName, countryName(r.incident.location.country, lang)].filter(Boolean).join(', ')} · {num(r.fatalities.best, lang)} †</span>
              {isCoarse(r.locationPrecision) && <span className="tag coarse">≈ {tc('approximate')}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The home screen: incidents in view as server-side clusters over the offline basemap, filters, the monthly timeline. */
export function OperationsMap({ route }: { route: Route }) {
  const { t } = useTranslation('map');
  const tc = useTranslation('common').t;
  const lang = currentLang();
  const [filters, setFilters] = useFilters();
  const selected = route.query.get('incident');
  const box = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const markers = useRef<maplibregl.Marker[]>([]);
  const labels = useRef<maplibregl.Marker[]>([]);
  const labelsRef = useRef<ReturnType<typeof attachPlaceLabels> | null>(null);
  const abort = useRef<AbortController | null>(null);
  const [view, setView] = useState<ViewState | null>(null);
  const [cell, setCell] = useState<{ lat: number; lon: number; count: number; cell: string } | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const charters = useCharters();
  const [colourBy, setColourBy] = useColourBy();
  const colourByRef = useRef(colourBy);
  colourByRef.current = colourBy;
  const colouring = useColouring(colourBy);
  const colouringRef = useRef<Colouring | null>(null);
  colouringRef.current = colouring?.charter === colourBy ? colouring : null;
  const articleLabel = useArticleLabel(colouring);
  const articleLabelRef = useRef(articleLabel);
  articleLabelRef.current = articleLabel;

  const drawClusters = useCallback((clusters: Cluster[]) => {
    const map = mapRef.current;
    if (!map) return;
    // A keyboard user who was on a marker stays on the map: focus goes to the new marker nearest the centre.
    const hadFocus = document.activeElement instanceof HTMLElement && document.activeElement.classList.contains('cluster');
    for (const m of markers.current) m.remove();
    markers.current = clusters.map((c) => {
      const el = document.createElement('button');
      el.type = 'button';
      const coarse = c.count === 1 ? isCoarse(c.precision ?? (c.coarse ? 'country' : 'exact')) : c.coarse === c.count;
      el.className = `cluster${c.count > 1 ? ' many' : ' one'}${coarse ? ' coarse' : ''}`;
      el.dataset.count = String(c.count);
      if (c.id) el.dataset.id = c.id;
      const size = c.count > 1 ? Math.round(22 + Math.min(34, Math.log2(c.count) * 5)) : 14;
      el.style.width = el.style.height = `${size}px`;
      // Coloured by article: only clusters that were counted per article (asked with `by`) are painted.
      const colours = colouringRef.current;
      const arcs = colours && c.articles ? describeArcs(c, colours, articleLabelRef.current, t('triggersNone')) : '';
      if (colours && c.articles) {
        el.style.background = clusterBackground(c, colours.order);
        el.classList.add('by-article');
        el.dataset.arcs = arcs;
      }
      if (c.count > 1) {
        el.textContent = c.count >= 10000 ? `${Math.round(c.count / 1000)}k` : String(c.count);
        el.setAttribute('aria-label', t('clusterLabel', { n: c.count }) + (coarse ? ` (${tc('approximate')})` : '') + (arcs ? ` — ${arcs}` : ''));
        if (arcs) el.title = arcs;
        el.addEventListener('click', (ev) => {
          ev.stopPropagation();
          // Deep in, a cluster is incidents at one place (often one centroid): list them instead of zooming.
          if (map.getZoom() >= 11) setCell({ lat: c.lat, lon: c.lon, count: c.count, cell: c.cell });
          else map.easeTo({ center: [c.lon, c.lat], zoom: Math.min(map.getZoom() + 2, 14) });
        });
      } else {
        el.setAttribute('aria-label', t('incidentLabel', { id: c.id ?? '' }) + (coarse ? ` (${tc('approximate')})` : '') + (arcs ? ` — ${arcs}` : ''));
        el.title = (coarse ? t('approxTitle') : t('exactTitle')) + (arcs ? ` — ${arcs}` : '');
        el.addEventListener('click', (ev) => {
          ev.stopPropagation();
          if (c.id) navigate(`/map?incident=${encodeURIComponent(c.id)}`);
        });
      }
      el.addEventListener('focus', () => {
        if (!map.getBounds().contains([c.lon, c.lat])) map.panTo([c.lon, c.lat]);
      });
      return new maplibregl.Marker({ element: el }).setLngLat([c.lon, c.lat]).addTo(map);
    });
    if (hadFocus && markers.current.length > 0) {
      const centre = map.getCenter();
      const d = (m: maplibregl.Marker) => { const p = m.getLngLat(); return (p.lng - centre.lng) ** 2 + (p.lat - centre.lat) ** 2; };
      const nearest = markers.current.reduce((a, b) => (d(b) < d(a) ? b : a));
      nearest.getElement().focus({ preventScroll: true });
    }
  }, [t, tc]);

  const load = useCallback(async () => {
    const map = mapRef.current;
    if (!map) return;
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    const f = { ...clean(filtersRef.current), bbox: bboxOf(map) };
    setLoading(true);
    box.current?.setAttribute('data-state', 'loading');
    try {
      // No separate count: the clusters' total is the count of the same filters (the API says so and its
      // tests hold it to that), and a third request re-read the same edge cells of the view on the server.
      const [cl, tl] = await Promise.all([
        api.clusters({ ...f, zoom: Math.round(map.getZoom()), by: colourByRef.current || undefined }, ctl.signal),
        api.timeline({ ...f, interval: 'month' }, ctl.signal),
      ]);
      if (ctl.signal.aborted) return;
      const coarse = cl.clusters.reduce((s, c) => s + c.coarse, 0);
      setView({ clusters: cl.clusters, total: cl.total, coarse, buckets: tl.buckets });
      drawClusters(cl.clusters);
      labelsRef.current?.redraw();
      setError(null);
      if (box.current) {
        // For tests and support: which query the drawn clusters answer, and how many answers came back.
        box.current.dataset.query = new URLSearchParams(f as Record<string, string>).toString();
        box.current.dataset.loads = String(Number(box.current.dataset.loads ?? 0) + 1);
        box.current.dataset.state = 'ready';
      }
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      setError(e);
      box.current?.setAttribute('data-state', 'error');
    } finally {
      if (abort.current === ctl) setLoading(false);
    }
  }, [drawClusters]);

  useEffect(() => {
    if (!box.current) return;
    const map = createMap(box.current);
    mapRef.current = map;
    (window as unknown as { foedusMap?: maplibregl.Map }).foedusMap = map;
    map.on('load', () => { void load(); });
    map.on('moveend', () => { void load(); });
    const placeLabels = attachPlaceLabels(map);
    labelsRef.current = placeLabels;
    return () => {
      placeLabels.detach();
      labelsRef.current = null;
      abort.current?.abort();
      map.remove();
      mapRef.current = null;
      markers.current = [];
      labels.current = [];
    };
    // The map is made once; `load` reads the filters through a ref.
  }, []);

  // AES state labels in the UI language (HTML, so no glyph server is needed).
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    for (const m of labels.current) m.remove();
    labels.current = Object.entries(AES_LABELS).map(([code, at]) => {
      const el = document.createElement('div');
      el.className = 'state-label';
      el.textContent = countryName(code, lang).toUpperCase();
      el.setAttribute('aria-hidden', 'true');
      return new maplibregl.Marker({ element: el }).setLngLat(at).addTo(map);
    });
    // Zoomed in, region and town names say where one is; the big state names would only cover them.
    const fade = () => { for (const m of labels.current) m.getElement().classList.toggle('hidden', map.getZoom() >= 6); };
    fade();
    map.on('zoomend', fade);
    return () => { map.off('zoomend', fade); };
  }, [lang]);

  // The incident open in the panel: marked on the map and brought to the centre (close enough to read the place names).
  const selectedMarker = useRef<maplibregl.Marker | null>(null);
  useEffect(() => {
    selectedMarker.current?.remove();
    selectedMarker.current = null;
    if (!selected) return;
    let live = true;
    api.incident(selected).then((r) => {
      const map = mapRef.current;
      const { lat, lon } = r.incident.location;
      if (!live || !map || lat === undefined || lon === undefined) return;
      const el = document.createElement('div');
      el.className = `selected-marker${isCoarse(r.locationPrecision) ? ' coarse' : ''}`;
      el.dataset.testid = 'selected-marker';
      el.setAttribute('aria-hidden', 'true');
      selectedMarker.current = new maplibregl.Marker({ element: el }).setLngLat([lon, lat]).addTo(map);
      // The panel has just narrowed the map: let MapLibre see the new size before centring.
      map.resize();
      map.easeTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), isCoarse(r.locationPrecision) ? 6 : 10), duration: 600 });
    }, () => undefined);
    return () => { live = false; };
  }, [selected]);

  // A place found by name: go there and pin it until the next search.
  const searchPin = useRef<maplibregl.Marker | null>(null);
  const goTo = useCallback((p: Place) => {
    const map = mapRef.current;
    if (!map) return;
    searchPin.current?.remove();
    const el = document.createElement('div');
    el.className = 'search-pin';
    el.setAttribute('aria-hidden', 'true');
    searchPin.current = new maplibregl.Marker({ element: el }).setLngLat([p.lon, p.lat]).addTo(map);
    map.flyTo({ center: [p.lon, p.lat], zoom: zoomFor(p), duration: 900 });
  }, []);

  useEffect(() => { void load(); }, [filters, colourBy, load]);
  // The article colours arrive with the charter's text: the clusters already drawn are painted again.
  useEffect(() => { if (view) drawClusters(view.clusters); }, [colouring, drawClusters]);
  const reloadSoon = useRef<number | null>(null);
  // New or corrected incidents redraw the view (debounced: an import sends many).
  const reloadLater = useCallback(() => {
    if (reloadSoon.current) window.clearTimeout(reloadSoon.current);
    reloadSoon.current = window.setTimeout(() => { void load(); }, 500);
  }, [load]);
  useLive('incident.created', reloadLater);
  useLive('incident.updated', reloadLater);
  useLive('import.done', useCallback(() => { void load(); }, [load]));

  const clusterSum = view ? view.clusters.reduce((s, c) => s + c.count, 0) : 0;
  return (
    <div className={`ops${selected || cell ? ' with-panel' : ''}`}>
      <h1 className="visually-hidden">{tc('nav.map')}</h1>
      <FilterBar value={filters} onChange={setFilters} />
      {/* Above the map, not over it: the figures and the legend must never hide a marker. */}
      <div className="map-bar">
        <PlaceSearch onPick={goTo} />
        <div className="map-summary" aria-live="polite" data-testid="map-summary">
          {view && (
            <>
              <span><strong data-testid="cluster-total" data-value={clusterSum}>{num(view.total, lang)}</strong> {t('inView')}</span>
              <span data-testid="coarse-total" className="muted"><span className="legend-dot coarse" aria-hidden="true" /> {t('coarseCount', { n: num(view.coarse, lang) })}</span>
            </>
          )}
          {/* Always laid out, shown only while loading: a bar that changed height would resize the map, whose
              resize ends in a "moveend", which reloads, which shows "Loading…" again — a loop. */}
          <span className="muted" style={{ visibility: loading ? 'visible' : 'hidden' }} aria-hidden={!loading}>{tc('loading')}</span>
        </div>
        <ColourSelect value={colourBy} onChange={setColourBy} charters={charters} />
        {colouring && colourBy ? <ArticleLegend c={colouring} /> : (
          <div className="legend" role="group" aria-label={t('legend')}>
            <span><span className="legend-dot many" aria-hidden="true" /> {t('legendCluster')}</span>
            <span><span className="legend-dot one" aria-hidden="true" /> {t('legendExact')}</span>
            <span><span className="legend-dot coarse" aria-hidden="true" /> {t('legendCoarse')}</span>
          </div>
        )}
      </div>
      <div className="ops-body">
        <div className="map-wrap">
          <div ref={box} className="map" data-testid="ops-map" data-state="loading" role="region" aria-label={t('mapLabel')} />
          <p className="credit" data-testid="credit">{tc('credit')}</p>
          {error != null && <div className="map-error"><ErrorBox error={error} onRetry={() => void load()} /></div>}
        </div>
        {(selected || cell) && (
          <aside className="side-panel" aria-label={t('panel')}>
            <button type="button" className="quiet close" onClick={() => { if (selected) navigate('/map'); else setCell(null); }} aria-label={tc('close')}>✕</button>
            {selected ? <>
              {cell && <button type="button" className="quiet back" onClick={() => navigate('/map')}>← {t('backToPlace', { n: cell.count })}</button>}
              <IncidentView id={selected} compact />
            </> : cell && <CellList cell={cell} />}
          </aside>
        )}
      </div>
      <Timeline buckets={view?.buckets ?? []} loading={loading} onPick={(p) => setFilters({ ...filters, ...monthRange(p) })} />
    </div>
  );
}

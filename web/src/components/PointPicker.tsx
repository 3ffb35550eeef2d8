import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { createMap, maplibregl } from '../map/basemap.ts';
import { attachPlaceLabels } from '../map/places.ts';
import { PlaceSearch, zoomFor } from './PlaceSearch.tsx';

/** A small map: click to set the incident's point, or find a place by name (it sets the point); the marker follows typed coordinates. */
export function PointPicker({ lat, lon, onPick }: { lat: number | null; lon: number | null; onPick: (lat: number, lon: number) => void }) {
  const { t } = useTranslation('components');
  const ref = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const markerRef = useRef<maplibregl.Marker | null>(null);
  const pickRef = useRef(onPick);
  pickRef.current = onPick;

  useEffect(() => {
    if (!ref.current) return;
    const map = createMap(ref.current, { zoom: 3.6 });
    mapRef.current = map;
    map.getCanvas().style.cursor = 'crosshair';
    map.on('click', (e) => pickRef.current(Number(e.lngLat.lat.toFixed(4)), Number(e.lngLat.lng.toFixed(4))));
    const { detach } = attachPlaceLabels(map);
    return () => { detach(); map.remove(); mapRef.current = null; markerRef.current = null; };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    if (lat === null || lon === null || Number.isNaN(lat) || Number.isNaN(lon)) {
      markerRef.current?.remove();
      markerRef.current = null;
      return;
    }
    markerRef.current ??= new maplibregl.Marker({ color: '#f5a524' });
    markerRef.current.setLngLat([lon, lat]).addTo(map);
  }, [lat, lon]);

  return (
    <div className="picker">
      <PlaceSearch compact onPick={(p) => {
        pickRef.current(p.lat, p.lon);
        mapRef.current?.jumpTo({ center: [p.lon, p.lat], zoom: Math.min(zoomFor(p), 10) });
      }} />
      <div ref={ref} className="picker-map" role="application" aria-label={t('form.pickHint')} data-testid="point-picker" />
      <p className="hint">{t('form.pickHint')}</p>
    </div>
  );
}

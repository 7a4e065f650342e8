import { geoEqualEarth, geoPath } from 'd3-geo';
import { iso31661 } from 'iso-3166';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import atlasUrl from 'world-atlas/countries-110m.json?url';

export interface CountryShape { alpha2: string | undefined; d: string; x: number; y: number }
export const MAP_WIDTH = 360;
export const MAP_HEIGHT = 175;

/**
 * The world's countries as SVG paths, from Natural Earth's 1:110m shapes (world-atlas), shipped
 * with the board and fetched from its own origin: no map tiles from anywhere else.
 */
export async function loadCountries(): Promise<CountryShape[]> {
  const topology = (await (await fetch(atlasUrl)).json()) as Topology<{ countries: GeometryCollection }>;
  const countries = feature(topology, topology.objects.countries);
  const projection = geoEqualEarth().fitSize([MAP_WIDTH, MAP_HEIGHT], countries);
  const path = geoPath(projection);
  // The atlas names countries by ISO 3166-1 numeric code; the sessions by alpha-2.
  const alpha2 = new Map(iso31661.map((c) => [c.numeric, c.alpha2]));
  return countries.features.map((f) => {
    const [x, y] = path.centroid(f);
    return { alpha2: alpha2.get(String(f.id)), d: path(f) ?? '', x, y };
  });
}

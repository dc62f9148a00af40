/**
 * Coordinates on the Earth: WGS-84 as the watches send them, GCJ-02 as Chinese map services take
 * them, and distances on the ground. Pure functions only; the dashboard bundles this module too.
 *
 * GCJ-02 (国测局坐标, GB 20263) is WGS-84 moved by a published polynomial in longitude and latitude,
 * scaled to metres on the Krasovsky 1940 ellipsoid (semi-major axis 6 378 245 m, e² 0.006 693 421 622 965 943 23).
 * The shift is a few hundred metres inside mainland China; outside it the maps use WGS-84 and there is none.
 */

/** Krasovsky 1940: semi-major axis (m) and first eccentricity squared, as the GCJ-02 formula takes them. */
const KRASOVSKY_A = 6_378_245;
const KRASOVSKY_E2 = 0.006_693_421_622_965_943;

/** The mean Earth radius (m) of IUGG, for great-circle distances. */
const EARTH_RADIUS_M = 6_371_008.8;

export interface LatLon {
  lat: number;
  lon: number;
}

/**
 * Whether a point lies outside the box the GCJ-02 shift applies to (mainland China and around it).
 * The box is the customary one of the published formula: it takes in some of China's neighbours too,
 * whose Chinese maps are shifted all the same.
 */
export function outsideChina({ lat, lon }: LatLon): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function shiftLat(x: number, y: number): number {
  let shift = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  shift += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  shift += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  shift += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return shift;
}

function shiftLon(x: number, y: number): number {
  let shift = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  shift += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  shift += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  shift += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return shift;
}

/** A WGS-84 point as GCJ-02; outside China, the point itself. */
export function wgs84ToGcj02(point: LatLon): LatLon {
  if (outsideChina(point)) return { lat: point.lat, lon: point.lon };
  // The polynomial is written about 105° E, 35° N.
  const x = point.lon - 105;
  const y = point.lat - 35;
  const radLat = (point.lat / 180) * Math.PI;
  const sinLat = Math.sin(radLat);
  const w = 1 - KRASOVSKY_E2 * sinLat * sinLat;
  const sqrtW = Math.sqrt(w);
  // Metres of shift → degrees: by the meridian's radius of curvature for latitude, the parallel's for longitude.
  const meridian = (KRASOVSKY_A * (1 - KRASOVSKY_E2)) / (w * sqrtW);
  const parallel = (KRASOVSKY_A / sqrtW) * Math.cos(radLat);
  return {
    lat: point.lat + (shiftLat(x, y) * 180) / (meridian * Math.PI),
    lon: point.lon + (shiftLon(x, y) * 180) / (parallel * Math.PI),
  };
}

/** The great-circle distance in metres between two points (haversine). */
export function distanceMetres(a: LatLon, b: LatLon): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLon = (b.lon - a.lon) * toRad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * A link that opens the point on Amap (高德地图), which takes GCJ-02: the WGS-84 fix is converted
 * first (`coordinate=gaode` tells Amap it is already in its system). Six decimals are about 0.1 m.
 */
export function amapLink(point: LatLon, label = ''): string {
  const gcj = wgs84ToGcj02(point);
  const position = `${gcj.lon.toFixed(6)},${gcj.lat.toFixed(6)}`;
  const name = label ? `&name=${encodeURIComponent(label)}` : '';
  return `https://uri.amap.com/marker?position=${position}${name}&coordinate=gaode&callnative=0`;
}

/**
 * WGS-84 → GCJ-02 against published reference pairs (the pairs the open implementations of the
 * GCJ-02 formula test with: Shanghai, Shenzhen, Beijing), no shift outside China, and distances.
 */
import { describe, expect, it } from 'vitest';
import { amapLink, distanceMetres, outsideChina, wgs84ToGcj02 } from '../../server/location/geo.ts';

/** [WGS-84 lat, lon] → [GCJ-02 lat, lon]. */
const REFERENCE: [string, [number, number], [number, number]][] = [
  ['Shanghai', [31.1774276, 121.5272106], [31.17530398364597, 121.531541859215]],
  ['Shenzhen', [22.543847, 113.912316], [22.540796131694766, 113.9171764808363]],
  ['Beijing', [39.911954, 116.377817], [39.91334545536069, 116.38404722455657]],
];

describe('WGS-84 to GCJ-02', () => {
  it.each(REFERENCE)('matches the reference pair for %s', (_, [lat, lon], [gcjLat, gcjLon]) => {
    const gcj = wgs84ToGcj02({ lat, lon });
    expect(gcj.lat).toBeCloseTo(gcjLat, 9);
    expect(gcj.lon).toBeCloseTo(gcjLon, 9);
  });

  it('shifts a point in Chengdu by some hundreds of metres', () => {
    const wgs = { lat: 30.657, lon: 104.066 };
    const shift = distanceMetres(wgs, wgs84ToGcj02(wgs));
    expect(shift).toBeGreaterThan(100);
    expect(shift).toBeLessThan(1000);
  });

  it.each([
    ['Denver', 39.7392, -104.9903],
    ['Brisbane', -27.4698, 153.0251],
    ['Rio de Janeiro', -22.9068, -43.1729],
    ['London', 51.5074, -0.1278],
  ])('leaves %s where it is: outside China there is no shift', (_, lat, lon) => {
    expect(outsideChina({ lat, lon })).toBe(true);
    expect(wgs84ToGcj02({ lat, lon })).toEqual({ lat, lon });
  });

  it('links Amap to the GCJ-02 point, longitude first', () => {
    const link = amapLink({ lat: 31.1774276, lon: 121.5272106 });
    expect(link).toContain('position=121.531542,31.175304');
    expect(link).toContain('coordinate=gaode');
  });
});

describe('distance on the ground', () => {
  it('is about 111.2 km for a degree of latitude', () => {
    expect(distanceMetres({ lat: 30, lon: 104 }, { lat: 31, lon: 104 })).toBeCloseTo(111_195, -1);
  });

  it('is about 1 078 km from Shanghai to Beijing', () => {
    const metres = distanceMetres(
      { lat: 31.17530398364597, lon: 121.531541859215 },
      { lat: 39.91334545536069, lon: 116.38404722455657 },
    );
    expect(Math.abs(metres - 1_078_164)).toBeLessThan(1_500);
  });
});

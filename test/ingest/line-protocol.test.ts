import { describe, expect, it } from 'vitest';
import { escapeKey, LineProtocol } from '../../gateway/ingest/line-protocol.ts';
import type { Point } from '../../gateway/ingest/types.ts';

const t0 = Date.UTC(2026, 10, 29, 8, 0, 0, 123);

function point(fields: Point['fields'], extra: Partial<Point> = {}): Point {
  return { deviceId: 'watch-01', deviceType: 'wearable.watch', ts: t0, fields, ...extra };
}

describe('line protocol', () => {
  it('writes tags in sorted order, numbers as floats, booleans as words, milliseconds', () => {
    const body = new LineProtocol().lines([
      point({ hr: 72, spo2: 97.5, fall: false }, { retireeId: '7b0c1f9e-0000-4000-8000-000000000001' }),
      point({ worn: true }, { deviceId: 'pendant-02', deviceType: 'pendant.sos', ts: t0 + 1.6 }),
    ]);
    expect(body.split('\n')).toStrictEqual([
      `readings,device_id=watch-01,device_type=wearable.watch,retiree_id=7b0c1f9e-0000-4000-8000-000000000001 hr=72,spo2=97.5,fall=false ${t0}`,
      `readings,device_id=pendant-02,device_type=pendant.sos worn=true ${t0 + 2}`,
    ]);
  });

  it('leaves out values no store can keep, and points left with none', () => {
    const body = new LineProtocol().lines([
      point({ hr: Number.NaN, steps: Number.POSITIVE_INFINITY }),
      point({ hr: 70, spo2: Number.NaN }, { ts: t0 + 1000 }),
    ]);
    expect(body).toBe(`readings,device_id=watch-01,device_type=wearable.watch hr=70 ${t0 + 1000}`);
    expect(new LineProtocol().lines([])).toBe('');
  });

  it('escapes commas, equals signs and spaces in keys and tag values', () => {
    expect(escapeKey('a b,c=d')).toBe('a\\ b\\,c\\=d');
    expect(escapeKey('plain_key-1.2')).toBe('plain_key-1.2');
    const body = new LineProtocol().lines([point({ 'body temp': 36.6 }, { deviceType: 'type,x=y' })]);
    expect(body).toBe(`readings,device_id=watch-01,device_type=type\\,x\\=y body\\ temp=36.6 ${t0}`);
  });

  it('follows a device whose retiree or type changes between batches', () => {
    const lines = new LineProtocol();
    expect(lines.lines([point({ hr: 70 })])).toContain('device_type=wearable.watch hr=70');
    expect(lines.lines([point({ hr: 71 }, { retireeId: 'r-1' })])).toContain(
      'device_type=wearable.watch,retiree_id=r-1 hr=71',
    );
    expect(lines.lines([point({ hr: 72 }, { retireeId: 'r-2' })])).toContain('retiree_id=r-2 hr=72');
    expect(lines.lines([point({ hr: 73 }, { deviceType: 'wearable.band' })])).toContain(
      'device_type=wearable.band hr=73',
    );
  });
});

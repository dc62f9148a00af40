import { describe, expect, it } from 'vitest';
import { definitions, deviceTypes, getDefinition } from '../../devices/index.ts';

describe('device registry', () => {
  it('lists every device type once', () => {
    expect(deviceTypes).toStrictEqual([
      'wearable.watch',
      'pendant.sos',
      'sensor.door',
      'sensor.motion',
      'sensor.bed',
      'sensor.smoke',
      'sensor.water_leak',
      'sensor.gas',
      'watch.3g',
      'watch.iw',
      'pendant.jt808',
    ]);
    expect(new Set(deviceTypes).size).toBe(definitions.length);
  });

  it('finds a definition by type, and nothing for an unknown or hostile name', () => {
    expect(getDefinition('pendant.sos')?.category).toBe('pendant');
    expect(getDefinition('sensor.unknown')).toBeUndefined();
    expect(getDefinition('__proto__')).toBeUndefined();
    expect(getDefinition('constructor')).toBeUndefined();
  });

  it('gives every definition a Chinese name and a description', () => {
    for (const definition of definitions) {
      expect(definition.nameZh.length).toBeGreaterThan(0);
      expect(definition.description.length).toBeGreaterThan(0);
    }
  });
});

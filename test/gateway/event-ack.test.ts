/**
 * A device event is acknowledged (PUBACK) only once its alert is committed, and the device's retry
 * of an event the hub gave up on opens no second alert. The database is held for real with a table
 * lock in an open transaction, so the event's own transaction has to wait.
 */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../server/schemas/index.ts';
import { eventually, metricValue, type TestHub } from '../helpers/hub.ts';
import { holdTable } from '../helpers/locks.ts';
import { suiteHub } from '../helpers/suite.ts';

const metric = metricValue;

describe('device events are acknowledged after they are committed', () => {
  const t = suiteHub({ HUB_MQTT_EVENT_COMMIT_TIMEOUT_MS: '400' });

  async function pendant(options: Parameters<TestHub['connectDevice']>[1] = {}) {
    const retiree = await t.addRetiree();
    const created = await t.addDevice('pendant.sos', retiree.id);
    const client = await t.connectDevice(created, options);
    return { retiree, id: created.device.id, client };
  }

  async function alertsOf(retireeId: string): Promise<Alert[]> {
    return (await t.api<Alert[]>('GET', `/api/alerts?retireeId=${retireeId}`)).body;
  }

  it('sends the PUBACK of an SOS only after its alert is in the database', async () => {
    const { retiree, id, client } = await pendant();
    await client.subscribeAsync(`eldercare/v1/${id}/cmd`, { qos: 0 });
    const eventsBefore = await metric(t, 'hub_mqtt_messages_total{channel="event"}');
    const lock = await holdTable(t, 'device_events');
    let acknowledged = false;
    const published = client
      .publishAsync(
        `eldercare/v1/${id}/event`,
        JSON.stringify({ id: 'ack-1', type: 'sos', ts: Date.now() }),
        {
          qos: 1,
        },
      )
      .then(() => {
        acknowledged = true;
      });
    // The broker has the event (counted as it is decoded) and waits on the locked table...
    await eventually(async () => {
      const now = await metric(t, 'hub_mqtt_messages_total{channel="event"}');
      return now > eventsBefore;
    });
    // ...and a command sent to the device after that comes down the same connection behind where a
    // PUBACK given on decoding would stand (one TCP stream keeps its order): still no PUBACK.
    const command = new Promise<void>((resolve) => client.once('message', () => resolve()));
    t.hub.bus.emit('device.command', {
      deviceId: id,
      command: { type: 'ack', alertId: 'not-yet', text: '值班人员已收到，正在处理' },
    });
    await command;
    expect(acknowledged).toBe(false);
    await lock.release();
    await published;
    expect(acknowledged).toBe(true);
    // Acknowledged means stored: the alert is there the moment the device hears back.
    const alerts = await alertsOf(retiree.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'sos', count: 1, status: 'open' });
  });

  it('leaves an event it could not store in time unacknowledged; the retry opens exactly one alert', async () => {
    const { retiree, id, client } = await pendant({ reconnectPeriod: 200, clean: false });
    const before = await metric(t, 'hub_mqtt_events_unacknowledged_total{reason="timeout"}');
    const lock = await holdTable(t, 'device_events');
    let closed = 0;
    client.on('close', () => {
      closed += 1;
    });
    const published = client.publishAsync(
      `eldercare/v1/${id}/event`,
      JSON.stringify({ id: 'retry-1', type: 'sos', ts: Date.now() }),
      { qos: 1 },
    );
    // The broker gives up after HUB_MQTT_EVENT_COMMIT_TIMEOUT_MS: no PUBACK, connection closed.
    await eventually(async () => {
      const now = await metric(t, 'hub_mqtt_events_unacknowledged_total{reason="timeout"}');
      return now > before && closed > 0;
    });
    // The device reconnects and sends the event again while the first attempt still waits.
    await lock.release();
    await published;
    const alerts = await eventually(async () => {
      const list = await alertsOf(retiree.id);
      return list.length > 0 ? list : undefined;
    });
    // The retry's PUBACK came after its alert was handled, and the alerts of one retiree and kind
    // are handled in the order they came (AlertWorkflow.handle): the first attempt's is done too.
    const after = await alertsOf(retiree.id);
    expect(after).toHaveLength(1);
    expect(after[0]?.count).toBe(1);
    expect(alerts[0]?.id).toBe(after[0]?.id);
    client.end(true);
  });
});

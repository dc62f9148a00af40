/**
 * The hub's MQTT connections to an external broker. Each new connection sends its packets at once
 * (TCP_NODELAY): with Nagle's algorithm on, a small packet written while the one before is not yet
 * acknowledged by the broker's host waits for that acknowledgement, which Linux delays by up to
 * 40 ms. A subscription made when a bridge is registered, or the acknowledgement of an SOS once its
 * alert is committed, would then reach the broker after what a device published meanwhile.
 */
import type { Socket } from 'node:net';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

export function connectAtOnce(url: string, options: IClientOptions): MqttClient {
  const client = connect(url, options);
  const atOnce = () => (client.stream as Partial<Socket> | undefined)?.setNoDelay?.(true);
  atOnce();
  // Each reconnection builds a new stream; CONNECT is the first packet written on it.
  client.on('packetsend', (packet) => {
    if (packet.cmd === 'connect') atOnce();
  });
  return client;
}

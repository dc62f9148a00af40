/**
 * What the gateway's parts need to be watched: the part of a pino logger they write to, and
 * counters registered in the hub's registry (read at `/metrics`).
 */
import { Counter, type Registry } from 'prom-client';

/** The part of a pino logger the gateway writes to. */
export interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/**
 * A counter maker for one registry. A name already registered there answers the counter it has,
 * so two parts on one registry (two writers in a test) share it instead of failing to register.
 */
export function countersIn(registry: Registry) {
  return <Label extends string = never>(name: string, help: string, ...labelNames: Label[]): Counter<Label> =>
    (registry.getSingleMetric(name) as Counter<Label> | undefined) ??
    new Counter<Label>({ name, help, labelNames, registers: [registry] });
}

/**
 * The V8 settings the hub's process runs with: `npm start` and `npm run bench` pass the same on
 * their command line (package.json), and the tests' and the bench's hub processes pass these. (The
 * demo's hub, a few simulated devices, runs with Node's defaults: simulators/ imports nothing of
 * the server.)
 *
 * A young generation of up to 64 MiB per semi-space: every message allocates short-lived objects
 * (the MQTT packet, its payload copy, the decoded readings, the acknowledgement), and with V8's
 * default of 16 MiB the scavenger took a fifth of the hub's thread at 80,000 messages a second,
 * against 6–10 % with 64 MiB. The space only grows that far under such a load.
 *
 * An old generation let grow to 1.3 times what the last full collection kept (V8 picks a factor
 * up to 4 by itself): with 10,000 watches and 9,000 MQTT devices connected the heap reserved
 * 454–468 MiB against 578–651 MiB, the hub 827–840 MiB against 1,144–1,180 MiB, with no longer
 * pauses and the alert and ingest figures within their goals (BENCHMARKS.md, watches runs 14–18).
 */
export const HUB_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64', '--heap-growing-percent=30'];

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
 */
export const HUB_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

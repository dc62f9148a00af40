/**
 * aedes-persistence's own conformance suite (node:test) against the SQLite broker store, each test
 * on a fresh file. Run by broker-store.test.ts as `node --import tsx --test <this file>`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openBrokerStore } from '../../gateway/broker/persistence/index.ts';

const require = createRequire(import.meta.url);
const abstract = require('aedes-persistence/abstract.js') as (options: object) => void;

const dir = mkdtempSync(join(tmpdir(), 'broker-store-abstract-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

abstract({
  test,
  persistence: () => openBrokerStore(join(dir, `store-${++files}.sqlite`)),
  testAsync: true,
});

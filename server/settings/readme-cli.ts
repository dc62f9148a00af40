/** `npm run settings:readme`: writes the settings tables of README.md from the schema. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withSettingsTables } from './readme.ts';

const readmePath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../README.md');
const before = readFileSync(readmePath, 'utf8');
const after = withSettingsTables(before);
if (after !== before) writeFileSync(readmePath, after);
process.stdout.write(
  after === before ? 'README.md settings tables are current\n' : 'README.md settings tables written\n',
);

/** `npm run build -w @callgate/panel`: builds dist and prints each file's size (raw and gzipped). */
import { relative } from 'node:path';
import { buildPanel, panelDistDir } from './build-panel.js';

const info = await buildPanel();
const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
let gzip = 0;
for (const f of info.files) {
  gzip += f.gzipBytes;
  process.stdout.write(`${f.file.padEnd(40)} ${kb(f.bytes).padStart(11)} ${kb(f.gzipBytes).padStart(11)} gzip\n`);
}
process.stdout.write(`total ${kb(gzip)} gzip in ${relative(process.cwd(), panelDistDir) || '.'}\n`);

import { readFileSync } from 'node:fs';
import { dryRunText } from './src/cli/dryRun';
const f = process.argv[2]!;
console.log(dryRunText(readFileSync(f, 'utf8'), 'markdown'));

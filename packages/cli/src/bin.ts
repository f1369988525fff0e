#!/usr/bin/env node
import { main } from './main.js';

const code = await main(process.argv.slice(2), process.env);
// `serve` keeps running (its signal handlers exit); everything else ends here.
if (process.argv[2] !== 'serve' || code !== 0) process.exit(code);

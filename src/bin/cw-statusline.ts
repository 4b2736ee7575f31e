#!/usr/bin/env node
import { runStatuslineEntry } from './statusline-entry.js';

void runStatuslineEntry(process.argv.slice(2));

#!/usr/bin/env node
// Thin launcher: runs the TypeScript CLI through tsx so `npx isms-kpi` works from a clone.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');

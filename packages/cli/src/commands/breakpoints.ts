import type { Command } from './command.js';
import { breakpointsFile, changeEntry, readDocument, table, writeDocument } from './breakpoints-store.js';

const USAGE = 'usage: tracekit breakpoints ls | enable <id> | disable <id> | clear [--file .tracekit/breakpoints.json]';

/**
 * `tracekit breakpoints …`: lists and switches the `captureSnapshot` breakpoints in
 * `.tracekit/breakpoints.json`. The running app picks an edit up within 2 s.
 */
const breakpoints: Command = {
  summary: 'breakpoints ls|enable <id>|disable <id>|clear   list and switch captureSnapshot breakpoints',
  run(args) {
    const { file, rest } = breakpointsFile(args);
    const [action = 'ls', id] = rest;
    const doc = readDocument(file, process.cwd());
    switch (action) {
      case 'ls': {
        if (doc.breakpoints.length === 0) {
          process.stdout.write(`no breakpoints in ${file} (captureSnapshot registers one on its first call while code monitoring is on)\n`);
          return 0;
        }
        const rows = [['ID', 'STATE', 'CAPTURES', 'EXPIRES', 'LABEL', 'WHERE']];
        for (const bp of doc.breakpoints) {
          const state = bp.enabled ? (bp.status ?? 'armed') : 'disarmed';
          const max = bp.maxCaptures >= 0 ? String(bp.maxCaptures) : '100';
          rows.push([bp.id, state, `${Math.max(0, bp.captures)}/${max}`, bp.expiresAt ?? 'never', bp.label, `${bp.file}:${bp.line}${bp.function ? ` ${bp.function}` : ''}`]);
        }
        process.stdout.write(`${table(rows)}\n`);
        return 0;
      }
      case 'enable':
      case 'disable': {
        // Enabling starts a fresh run: the count back to 0 and another 24 h (changeEntry).
        const bp = id === undefined ? undefined : doc.breakpoints.find((b) => b.id === id);
        if (!bp || !changeEntry(doc, bp.id, { kind: 'breakpoint', action: action === 'enable' ? 'arm' : 'disarm' })) {
          process.stderr.write(`tracekit: no breakpoint ${id ?? '(none given)'} in ${file}\n${USAGE}\n`);
          return 1;
        }
        writeDocument(file, doc);
        process.stdout.write(`${bp.id} ${bp.enabled ? 'armed' : 'disarmed'} (${bp.label})\n`);
        return 0;
      }
      case 'clear': {
        for (const bp of doc.breakpoints) {
          bp.enabled = false;
          delete bp.status;
        }
        const removed = doc.probes.length;
        doc.probes = [];
        writeDocument(file, doc);
        process.stdout.write(`${doc.breakpoints.length} breakpoint(s) disarmed, ${removed} probe(s) removed\n`);
        return 0;
      }
      default:
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
  },
};

export default breakpoints;

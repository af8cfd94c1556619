import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { changeEntry, readDocument, writeDocument, type EntryChange } from '../../commands/breakpoints-store.js';
import { sendJson } from './api.js';
import { readBreakpoints } from './breakpoints-file.js';
import { BodyError, readBody } from './body.js';

/** `/api/breakpoints/<id>/<arm|disarm>` and `/api/probes/<id>/<arm|disarm|remove>`. */
const EDIT_PATH = /^\/api\/(breakpoints|probes)\/([^/]+)\/(arm|disarm|remove)$/;

/** Whether a request is one of the viewer's edits of the breakpoints file. */
export function isBreakpointsEdit(pathname: string): boolean {
  return EDIT_PATH.test(pathname);
}

/** The header every edit must carry: a page on another site cannot send it without a CORS preflight, which the viewer never grants. */
export const EDIT_HEADER = 'x-tracekit';

/**
 * Arms, disarms or (probes) removes one entry of `<store>/breakpoints.json` for the viewer's
 * Snapshots view: `POST` only, with `x-tracekit: 1` and `Content-Type: application/json` (a body
 * of at most 1 KiB, `{}`), both of which a cross-site form cannot send and a cross-site `fetch`
 * cannot send without a preflight the viewer refuses; the Host, Origin and `Sec-Fetch-Site`
 * checks of the rest of the API run before this. The file is read, validated and written
 * atomically by the same module as `tracekit breakpoints` / `tracekit probe`
 * (`commands/breakpoints-store.ts`); the running app picks the change up as it does theirs.
 * Answers the file as `GET /api/breakpoints` does.
 */
export async function handleBreakpointsEdit(req: IncomingMessage, res: ServerResponse, pathname: string, dir: string, root: string): Promise<void> {
  const m = EDIT_PATH.exec(pathname)!;
  if (req.method !== 'POST') {
    req.resume();
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') {
    req.resume();
    return sendJson(res, 403, { error: 'edits are accepted from the viewer\'s own pages only' });
  }
  if (req.headers[EDIT_HEADER] !== '1') {
    req.resume();
    return sendJson(res, 403, { error: `an edit needs the header ${EDIT_HEADER}: 1` });
  }
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    return sendJson(res, 415, { error: 'an edit needs Content-Type: application/json' });
  }
  try {
    const body = (await readBody(req, { maxBytes: 1024, maxInflatedBytes: 1024 })).toString('utf8').trim();
    if (body !== '') JSON.parse(body);
  } catch (err) {
    if (err instanceof BodyError) return sendJson(res, err.status, { error: err.message });
    return sendJson(res, 400, { error: 'the body must be JSON' });
  }
  const kind = m[1] === 'breakpoints' ? 'breakpoint' : 'probe';
  const action = m[3] as 'arm' | 'disarm' | 'remove';
  if (kind === 'breakpoint' && action === 'remove') return sendJson(res, 400, { error: 'breakpoints are disarmed, not removed (the app registers them again)' });
  const id = decodeURIComponent(m[2]!);
  const file = path.join(dir, 'breakpoints.json');
  let doc;
  try {
    doc = readDocument(file, root);
  } catch (err) {
    return sendJson(res, 409, { error: err instanceof Error ? err.message : String(err) });
  }
  if (!changeEntry(doc, id, { kind, action } as EntryChange)) return sendJson(res, 404, { error: `no ${kind} ${id} in ${file}` });
  try {
    writeDocument(file, doc);
  } catch (err) {
    return sendJson(res, 500, { error: `cannot write ${file}: ${err instanceof Error ? err.message : String(err)}` });
  }
  return sendJson(res, 200, await readBreakpoints(dir));
}

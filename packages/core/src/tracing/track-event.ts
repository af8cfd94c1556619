import { isSpanContextValid, type Attributes, type AttributeValue } from '@opentelemetry/api';
import { ensureClient } from '../client.js';
import { activeRequest, activeSpan } from '../context/context.js';
import { debug } from '../diag.js';
import { SEVERITY } from '../export/log-types.js';
import { currentMetadata, metadataAttributes } from '../context/metadata.js';
import { nowMs } from './time.js';
import type { RequestMetadata } from '../types.js';

/** The OTLP `event_name` of custom events. */
export const TRACK_EVENT_NAME = 'tracekit.event';

/** Properties kept per event; more are dropped (and counted in `tracekit.event.dropped_properties`). */
const MAX_PROPERTIES = 64;
/** Objects become a JSON preview of at most this many characters. */
const MAX_PREVIEW = 1024;

function toAttributeValue(value: unknown): AttributeValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default: {
      if (value === null) return undefined;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
      if (Array.isArray(value) && value.length > 0) {
        const t = typeof value[0];
        if ((t === 'string' || t === 'number' || t === 'boolean') && value.every((v) => typeof v === t)) return value as AttributeValue;
      }
      try {
        const json = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
        if (json === undefined) return undefined;
        return json.length > MAX_PREVIEW ? `${json.slice(0, MAX_PREVIEW)}…` : json;
      } catch {
        return '[unserialisable]';
      }
    }
  }
}

/**
 * Records a custom event (a sign-up, a checkout, a feature used) as an OTLP log record with
 * `event_name` `tracekit.event`, linked to the active trace and span, with the request ID and
 * the request's metadata (and any `withMetadata` scope). It goes to `.tracekit/logs.jsonl` by default and to `/v1/logs` with
 * OTLP. `properties` become attributes (objects as a JSON preview); `metadata` is merged over
 * the request's `setMetadata` identifiers. Never throws and never blocks: a full queue drops
 * the event and counts it in `client.stats().logsDropped`.
 *
 * @example
 * tracekit.trackEvent('checkout.completed', { orderId: order.id, total: 42.5, currency: 'EUR' }, { userId: user.id });
 */
export function trackEvent(name: string, properties?: Record<string, unknown>, metadata?: RequestMetadata): void {
  try {
    if (typeof name !== 'string' || name.trim() === '') {
      debug('trackEvent: the event name must be a non-empty string; the event was ignored');
      return;
    }
    const client = ensureClient();
    if (!client.config.enabled) return;
    const attributes: Attributes = {};
    if (properties !== null && typeof properties === 'object') {
      let kept = 0;
      let dropped = 0;
      for (const key of Object.keys(properties)) {
        const value = toAttributeValue(properties[key]);
        if (value === undefined) continue;
        if (kept >= MAX_PROPERTIES) {
          dropped++;
          continue;
        }
        attributes[key] = value;
        kept++;
      }
      if (dropped > 0) attributes['tracekit.event.dropped_properties'] = dropped;
    }
    const request = activeRequest();
    const base = currentMetadata();
    const merged = base || metadata ? { ...base, ...(metadata !== null && typeof metadata === 'object' ? metadata : {}) } : undefined;
    if (merged) Object.assign(attributes, metadataAttributes(merged));
    attributes['tracekit.event.name'] = name;
    if (request) attributes['tracekit.request_id'] = request.requestId;
    const sc = activeSpan()?.spanContext();
    const linked = sc && isSpanContextValid(sc);
    client.emitLog({
      time: nowMs(),
      eventName: TRACK_EVENT_NAME,
      severityNumber: SEVERITY.INFO,
      severityText: 'INFO',
      body: name,
      attributes,
      traceId: linked ? sc.traceId : undefined,
      spanId: linked ? sc.spanId : undefined,
    });
  } catch (e) {
    debug(`trackEvent failed: ${String(e)}`);
  }
}

import { createContextKey, type Context } from '@opentelemetry/api';

/** What `instrumentAI` knows about the SDK call in progress (read by the wire-level observer). */
export interface SdkCallMarker {
  /** `openai` or `anthropic`. */
  sdk: string;
  /** The SDK method, `chat.completions.create`. */
  method: string;
  /** The parameters the app passed (model, stream, messages), so the body need not be parsed. */
  params: Record<string, unknown> | undefined;
}

const SDK_KEY = createContextKey('tracekit.ai.sdk');

/** The context with an SDK call marked. */
export function withSdkCall(ctx: Context, marker: SdkCallMarker): Context {
  return ctx.setValue(SDK_KEY, marker);
}

/** The SDK call in progress in a context, if any. */
export function sdkCallOf(ctx: Context): SdkCallMarker | undefined {
  return ctx.getValue(SDK_KEY) as SdkCallMarker | undefined;
}

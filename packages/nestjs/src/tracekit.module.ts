import { Global, Inject, Injectable, Module, type DynamicModule, type ModuleMetadata, type NestModule, type Provider, type Type } from '@nestjs/common';
import { ExternalContextCreator, HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createAdapter, TracekitConfigError, warnOnce, type AdapterOptions, type AdapterRuntime } from '@tracekit/core/adapter';
import { instrumentPipeline } from './pipeline.js';
import { hookPlatform } from './platform.js';

/**
 * Options of {@link TracekitModule}: the options every TraceKit adapter takes. The hooks and
 * `ignore` receive Node's `IncomingMessage` and `ServerResponse` on both platforms (Fastify's
 * `request.raw` and `reply.raw`).
 */
export type NestjsOptions = AdapterOptions<IncomingMessage, ServerResponse>;

/** A class that creates the options, for `forRootAsync({ useClass })` and `useExisting`. */
export interface TracekitOptionsFactory {
  createTracekitOptions(): NestjsOptions | Promise<NestjsOptions>;
}

/** Options of {@link TracekitModule.forRootAsync}: one of `useFactory`, `useClass` or `useExisting`. */
export interface TracekitModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory?: (...args: any[]) => NestjsOptions | Promise<NestjsOptions>;
  /** Providers passed to `useFactory`. */
  inject?: any[];
  useClass?: Type<TracekitOptionsFactory>;
  useExisting?: Type<TracekitOptionsFactory>;
}

/** The injection token of the module's options. */
export const TRACEKIT_MODULE_OPTIONS = Symbol.for('tracekit.nestjs.options');

/** Sets TraceKit up for one Nest application; created by Nest when the module is imported. */
@Injectable()
export class TracekitInstrumentation {
  private readonly runtime: AdapterRuntime<IncomingMessage, ServerResponse>;
  private hooked = false;

  constructor(
    @Inject(TRACEKIT_MODULE_OPTIONS) options: NestjsOptions | undefined,
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
    @Inject(ExternalContextCreator) externalContextCreator: ExternalContextCreator,
  ) {
    // Bad options throw here, so the application fails at bootstrap rather than per request.
    this.runtime = createAdapter<IncomingMessage, ServerResponse>('nestjs', options ?? {});
    const missing = instrumentPipeline(externalContextCreator);
    if (missing.length > 0) warnOnce('TK_NEST_PIPELINE', `this version of NestJS is not fully supported: no spans for ${missing.join(', ')}`);
    this.hook();
  }

  /**
   * Hooks the HTTP platform once it exists: already while NestFactory.create() builds the
   * providers, so body-parser errors are traced too; with @nestjs/testing only when the
   * application initialises (see {@link TracekitModule.configure}).
   */
  hook(): void {
    const adapter = this.host.httpAdapter;
    if (this.hooked || !adapter) return;
    this.hooked = true;
    if (!hookPlatform(adapter.getType(), adapter.getInstance(), this.runtime)) {
      warnOnce('TK_NEST_PLATFORM', `requests on the "${adapter.getType()}" platform are not traced (supported: express, fastify)`);
    }
  }
}

/**
 * Traces every HTTP request of a NestJS application, on @nestjs/platform-express and
 * @nestjs/platform-fastify: one SERVER span named by the route template, `code.function.name`
 * set to `Controller.method`, and child spans for guards, interceptors, pipes and the handler.
 * Exceptions are recorded on their way to the app's exception filters, never handled here.
 *
 * @example
 * import * as tracekit from '@tracekit/nestjs';
 * \@Module({ imports: [tracekit.TracekitModule.forRoot({ ignore: ['/health'] })], controllers: [UsersController] })
 * export class AppModule {}
 */
@Global()
@Module({})
export class TracekitModule implements NestModule {
  constructor(@Inject(TracekitInstrumentation) private readonly instrumentation: TracekitInstrumentation) {}

  /** Nest calls this while it initialises the application, before it registers any route. */
  configure(): void {
    this.instrumentation.hook();
  }

  /** The module with static options (all optional). */
  static forRoot(options: NestjsOptions = {}): DynamicModule {
    return { module: TracekitModule, global: true, providers: [{ provide: TRACEKIT_MODULE_OPTIONS, useValue: options }, TracekitInstrumentation] };
  }

  /**
   * The module with options from a factory, for example from a `ConfigService`.
   *
   * @example
   * TracekitModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ ignore: config.get('TRACE_IGNORE')?.split(',') }),
   * })
   */
  static forRootAsync(options: TracekitModuleAsyncOptions): DynamicModule {
    const providers: Provider[] = [TracekitInstrumentation];
    if (options.useFactory) {
      providers.push({ provide: TRACEKIT_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] });
    } else {
      const factory = options.useClass ?? options.useExisting;
      if (!factory) throw new TracekitConfigError('TK_CONFIG_FUNCTION', 'TracekitModule.forRootAsync() is invalid: expected one of useFactory, useClass or useExisting');
      if (options.useClass) providers.push(options.useClass);
      providers.push({ provide: TRACEKIT_MODULE_OPTIONS, useFactory: (f: TracekitOptionsFactory) => f.createTracekitOptions(), inject: [factory] });
    }
    return { module: TracekitModule, global: true, imports: options.imports ?? [], providers };
  }
}

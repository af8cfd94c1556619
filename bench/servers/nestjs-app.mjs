// The benchmark's NestJS app (GET /users/:id on @nestjs/platform-express), shared by the
// nestjs-* servers. It runs on NestJS 11 (installed in tests/nest11): the official
// @opentelemetry/instrumentation-nestjs-core supports NestJS below 12 only, so all three
// variants use 11 to compare like with like. Every `@nestjs/*` require, the adapter's included,
// is resolved there. Plain JavaScript: the decorators are applied by hand.
import Module, { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const nest11 = fileURLToPath(new URL('../../tests/nest11/', import.meta.url));
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, isMain, options) {
  if (/^@nestjs\/(common|core|platform-express)(\/|$)/.test(request)) return resolve.call(this, request, parent, isMain, { paths: [nest11] });
  return resolve.call(this, request, parent, isMain, options);
};

const require = createRequire(import.meta.url);

/** Starts the app on PORT (with `imports`, for TracekitModule) and prints `ready <port>`. */
export async function startNest(imports = []) {
  require('reflect-metadata');
  const { Controller, Get, Module: NestModule, Param } = require('@nestjs/common');
  const { NestFactory } = require('@nestjs/core');
  const ready = require('./ready.cjs');

  class UsersController {
    findOne(id) {
      return { id, name: 'Ada' };
    }
  }
  const proto = UsersController.prototype;
  Param('id')(proto, 'findOne', 0);
  Reflect.decorate([Get(':id')], proto, 'findOne', Object.getOwnPropertyDescriptor(proto, 'findOne'));
  Reflect.decorate([Controller('users')], UsersController);
  class AppModule {}
  Reflect.decorate([NestModule({ imports, controllers: [UsersController] })], AppModule);

  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  ready(app.getHttpServer());
}

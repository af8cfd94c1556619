import {
  Body,
  Catch,
  Controller,
  Get,
  HttpException,
  Injectable,
  Module,
  NotFoundException,
  Param,
  Post,
  Req,
  UseGuards,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import type { Request, Response } from 'express';
import { map, type Observable } from 'rxjs';
import * as tracekit from '@tracekit/nestjs';

const users = new Map([
  ['1', { id: '1', name: 'Ada' }],
  ['2', { id: '2', name: 'Grace' }],
]);
const orders = new Map([['42', { id: '42', userId: '1', total: 99.5 }]]);

/** Stands for a database call: a child span with the query's attributes. */
function db<T>(operation: string, fn: () => T): Promise<T> {
  return tracekit.withSpan(`db.${operation}`, async () => {
    await new Promise((r) => setTimeout(r, 2));
    return fn();
  }, { 'db.system.name': 'postgresql', 'db.operation.name': operation });
}

/** Lets a request through unless it says `x-api-key: wrong` (a rejected request is still traced). */
@Injectable()
class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<Request>().headers['x-api-key'] !== 'wrong';
  }
}

/** Wraps every answer in `{ data }`: its span encloses the handler's. */
@Injectable()
class EnvelopeInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((data) => ({ data })));
  }
}

/** The app's own error format; TraceKit records the exception and never replaces this filter. */
@Catch()
class ErrorFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost) {
    const status = err instanceof HttpException ? err.getStatus() : 500;
    const message = err instanceof Error ? err.message : 'unknown error';
    host.switchToHttp().getResponse<Response>().status(status).json({ error: message, requestId: tracekit.getRequestId() });
  }
}

@Controller('users')
@UseGuards(ApiKeyGuard)
class UsersController {
  @Get(':id')
  async findOne(@Param('id') id: string) {
    const user = await db('users.findById', () => users.get(id));
    if (!user) throw new NotFoundException('no such user');
    tracekit.setMetadata({ userId: user.id });
    return user;
  }
}

@Controller('api/orders')
class OrdersController {
  @Get(':orderId')
  async findOne(@Param('orderId') orderId: string) {
    const order = await db('orders.findById', () => orders.get(orderId));
    if (!order) throw new NotFoundException('no such order');
    return order;
  }

  @Post()
  async create(@Body() body: { userId?: string; total?: number }) {
    const id = String(orders.size + 100);
    const order = { id, userId: String(body?.userId ?? '1'), total: Number(body?.total ?? 0) };
    await db('orders.insert', () => orders.set(id, order));
    return order;
  }

  // An outbound call to another service (here, this same app): a CLIENT span carrying traceparent.
  @Get(':orderId/shipping')
  async shipping(@Param('orderId') orderId: string, @Req() req: Request) {
    const quote = await fetch(`http://127.0.0.1:${req.socket.localPort}/internal/shipping/${orderId}`).then((r) => r.json());
    return { orderId, ...quote.data };
  }
}

@Controller()
class MiscController {
  @Get('internal/shipping/:orderId')
  quote() {
    return { carrier: 'parcel-post', days: 2 };
  }

  @Get('checkout/fail')
  async checkout() {
    await db('payments.charge', () => undefined);
    throw new Error('payment provider unavailable');
  }

  @Get('health')
  health() {
    return 'ok';
  }
}

@Module({
  imports: [tracekit.TracekitModule.forRoot({ ignore: ['/health'] })],
  controllers: [UsersController, OrdersController, MiscController],
  providers: [
    { provide: APP_INTERCEPTOR, useClass: EnvelopeInterceptor },
    { provide: APP_FILTER, useClass: ErrorFilter },
  ],
})
export class AppModule {}

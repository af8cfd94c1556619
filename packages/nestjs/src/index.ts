export * from '@tracekit/core';

import { startNest } from './nestjs-app.mjs';

await startNest();

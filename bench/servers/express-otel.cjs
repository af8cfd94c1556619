const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');
require('./otel-setup.cjs')([new ExpressInstrumentation()]);
const express = require('express');
const ready = require('./ready.cjs');

const app = express();
app.get('/users/:id', (req, res) => res.json({ id: req.params.id, name: 'Ada' }));
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => ready(server));

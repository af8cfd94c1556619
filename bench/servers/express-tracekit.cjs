const express = require('express');
const tracekit = require('@tracekit/express');
const ready = require('./ready.cjs');

tracekit.init({ serviceName: 'bench-express' });
const app = express();
app.use(tracekit.express());
app.get('/users/:id', (req, res) => res.json({ id: req.params.id, name: 'Ada' }));
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => ready(server));

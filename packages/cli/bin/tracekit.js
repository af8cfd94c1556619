#!/usr/bin/env node
// The `tracekit` command. A committed file of its own rather than `dist/bin.js` itself: npm links
// a package's commands when it installs the package, and skips a command whose file does not
// exist yet, so in a fresh clone of the monorepo (`npm install` before the build) `npx tracekit`
// would not be found.
import '../dist/bin.js';

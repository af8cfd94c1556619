import { packageConfig } from '../../tsup.base';

export default packageConfig({ index: 'src/index.ts', adapter: 'src/adapter-api.ts', testing: 'src/testing/index.ts', 'probe-worker': 'src/monitoring/probe-worker.ts', auto: 'src/autotrace/auto.ts', 'auto-hooks': 'src/autotrace/esm-hooks.ts' }, {
  // `import.meta.url` in the CommonJS build (the auto entry finds its ES module hooks beside itself).
  shims: true,
});

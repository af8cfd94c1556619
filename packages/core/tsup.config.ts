import { packageConfig } from '../../tsup.base';

export default packageConfig({ index: 'src/index.ts', adapter: 'src/adapter-api.ts', testing: 'src/testing/index.ts' });

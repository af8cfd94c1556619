import type { Command } from './command.js';

const cmd: Command = { summary: 'analyze', run: () => 0 };
export default cmd;

export { main } from './main.js';
export { UsageError, parseFlags, type Command, type CommandContext } from './command.js';

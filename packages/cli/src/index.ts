export { openStack, type Stack, type StackOptions } from './embedded-stack.js';

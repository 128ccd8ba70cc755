export { openStack, type DemoParts, type Stack, type StackOptions } from './embedded-stack.js';

import { unitConfig } from '../../jest.base.js';
export default unitConfig(import.meta.dirname);

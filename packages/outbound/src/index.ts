export { refusedRange } from './address-class.js';
export { normalName, outboundAllowEnv, parseOutboundAllow, refusalOf, type AllowEntry, type OutboundAllowList, type OutboundTarget } from './outbound-allow.js';
export { checkOutboundUrl, type CheckedUrl, type UrlCheck } from './outbound-url.js';
export { createOutboundClient, type OutboundClient, type OutboundClientOptions, type OutboundRequest, type OutboundResult, type Resolve } from './outbound-request.js';

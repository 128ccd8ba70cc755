// The access layer lives in @parcelwatch/service-kit (every service's own server installs it too).
export { accessFor, ROUTE_POLICY, type Access, type PolicyRule } from '@parcelwatch/service-kit';

// The access layer lives in @parcelwatch/service-kit (every service's own server installs it too).
export { installAccessLayer, type AccessLayerDeps, type AccessOptions } from '@parcelwatch/service-kit';

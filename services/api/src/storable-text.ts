// One rule for what PostgreSQL can store, in @parcelwatch/contracts; the api refuses input that breaks it.
export { isStorableText } from '@parcelwatch/contracts';

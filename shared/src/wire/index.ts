export { applyDelta, jsonDelta, DeltaError, type Delta, type DeltaItem, type Json } from "./delta";
export * from "./encoding";

export { parseJsonKeepDuplicates, jsonGet, jsonGetAll, toPlainJson, isJsonObject, type JsonValue, type JsonObject } from "./json";

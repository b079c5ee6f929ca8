export * from "./protocol";
export * from "./errors";
export * from "./subjects";
export * from "./schemas/index";
export * from "./decode";
export * from "./secrets";
export * from "./wire/index";
export * from "./runner";

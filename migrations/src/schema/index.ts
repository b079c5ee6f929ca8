// Every schema file, one line each (the controller's store and drizzle-kit read them all).
export * from "./core";
export * from "./jobs";
export * from "./detect";
export * from "./auth";
export * from "./diag";
export * from "./wire";

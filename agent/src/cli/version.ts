/** The agent's version, announced in the hello (kept in step with agent/package.json). */
export const AGENT_VERSION = "0.1.0";

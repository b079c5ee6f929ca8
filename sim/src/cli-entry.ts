/** What the built bin runs. */
export { main } from "./main";

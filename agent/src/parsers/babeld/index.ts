export { parseBabeldDump, type BabeldDump, type BabeldEvent, type BabeldInterface, type BabeldNeighbour, type BabeldRoute, type BabeldXroute } from "./dump";
export { babeldToRoutingView } from "./view";
export { parseBabeldUbus } from "./ubus";

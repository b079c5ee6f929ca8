export { World, DEFAULT_START_MS, type WorldOptions, type WorldEvent, type Flap } from "./world";
export { SimulatedRunner, type SimulatedRunnerOptions } from "./runner";
export { SimFleet, reachesGateway, type SimFleetOptions } from "./fleet";
export { BUILTIN_SCENARIOS, DEMO_SCENARIO, loadScenarioFile, parseScenario, scenarioSchema, simEvent, type Scenario, type SimEvent } from "./scenario";
export { clientViews, neighborViews, pathViews, peerViews, routeViews, type ClientView, type NeighborView, type PathView, type PeerView, type RouteView } from "./views";
export type { SimNode, SimLink, SimStation, SimSite, SimRouting, WirelessSettings } from "./types";
export { seededRandom } from "./random";
export { stationIdentity } from "./render/leases";

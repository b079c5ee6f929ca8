import { labScenario } from "./scenario";

// babeld (Debian babeld) on a ring of 4 namespaces, read over its local socket; every node's firewall accepts UDP 6696.
labScenario("babeld");

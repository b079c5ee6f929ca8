import { labScenario } from "./scenario";

// RIPng in BIRD 2 on a ring of 4 namespaces; every node's firewall accepts UDP 521.
labScenario("bird2-rip");

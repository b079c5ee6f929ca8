import { labScenario } from "./scenario";

// RIPng in BIRD 1.6 (bird6/birdc6 from Debian's bird 1.6 package, unpacked by .ci/run) on a ring of 4 namespaces.
labScenario("bird16-rip");

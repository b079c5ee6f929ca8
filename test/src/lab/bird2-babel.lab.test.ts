import { labScenario } from "./scenario";

// Babel in BIRD 2 on a ring of 4 namespaces; r4's firewall lacks the UDP 6696 accept rule (lint must say so).
labScenario("bird2-babel", { withoutAccept: ["r4"] });

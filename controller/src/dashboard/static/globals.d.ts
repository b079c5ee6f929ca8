// Type-checking the dashboard's plain scripts (tsconfig.json here, `npm run typecheck`):
// each script publishes its module on `window`; the vendored libraries are globals.
// The modules are typed loosely (any) for now; the DOM use inside each file is checked.
interface Window {
  meshfleet: any;
  meshfleetNames: any;
  meshfleetAlert: any;
  meshfleetDiag: any;
  meshfleetPlots: any;
  meshfleetTopo: any;
  meshfleetLayout: any;
  meshfleetGraph: any;
  uPlot: any;
  cytoscape: any;
}

// demo-api-charm: the tutorial's charm as a Juju charm binary. Juju (or the fake hook-tool
// environment) runs it once per hook with JUJU_* in the environment and the hook tools on PATH;
// the charm's dispatch script simply execs it. No Foundation: a hook process starts in a few ms.
#if canImport(Glibc)
import Glibc
#endif
import DemoAPICharm
import JujuHookTools

let environment = HookDispatch.processEnvironment()
let layerPath = environment["JUJU_CHARM_DIR"].map { "\($0)/pebble-layer.json" }
let (status, error) = DemoAPICharm().handleHook(environment: environment, tools: ProcessHookTools(), layerPath: layerPath)
if let error { HookDispatch.printError(error) }
exit(status)

import Pebble
import Testing

/// No way of printing a layer, a plan or a service shows a password (the charm hands the
/// database password to the workload through the layer's environment).
@Suite("Masking")
struct MaskingTests {
    let password = "x7Kq2PmN9vRt4WzY"

    func everyPrint(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), "\(value)", dumped]
    }

    @Test func layersPlansAndServicesMaskCredentialValues() throws {
        let service = Service(override: .replace, command: "run", environment: ["DEMO_SERVER_DB_PASSWORD": password, "API_TOKEN": password,
                                                                                "TLS_KEY": password, "DEMO_SERVER_DB_HOST": "10.0.0.1"])
        let layer = Layer(summary: "s", services: ["svc": service])
        let plan = try Plan(yaml: layer.yaml())
        for text in everyPrint(service) + everyPrint(layer) + everyPrint(plan) + everyPrint([layer]) + everyPrint(["svc": service]) {
            #expect(!text.contains(password), "\(text)")
        }
        #expect(String(reflecting: service).contains("DEMO_SERVER_DB_HOST=10.0.0.1"))
        #expect(String(reflecting: layer).contains("DEMO_SERVER_DB_PASSWORD: '********'") || String(reflecting: layer).contains("DEMO_SERVER_DB_PASSWORD: \"********\""))
        // The values themselves are intact: the workload needs them.
        #expect(layer.services["svc"]?.environment["DEMO_SERVER_DB_PASSWORD"] == password)
        #expect(layer.yaml().contains(password))
    }

    @Test(arguments: [("DB_PASSWORD", true), ("PASSWD", true), ("client_secret", true), ("GITHUB_TOKEN", true), ("SSH_PRIVATE", true),
                      ("API_KEY", true), ("CREDENTIALS_FILE", true), ("DEMO_SERVER_DB_HOST", false), ("KEYBOARD", false), ("PORT", false)])
    func whichNamesAreSecret(name: String, secret: Bool) {
        #expect(PebbleMasking.isSecret(name) == secret)
    }
}

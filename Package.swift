// swift-tools-version: 6.0
//
// swift-postgresql-client: Juju's `postgresql_client` relation (v0) in Swift.
//
// Layers (see README.md):
//   CJSONC                  system library: json-c, found with pkg-config
//   CYAML                   system library: libyaml, found with pkg-config
//   JujuYAML                YAML values over libyaml (parse and emit, no Foundation)
//   Pebble                  a Foundation-free Pebble client (HTTP/1.1 over the unix socket)
//   CPebbleSpawn            C: fork/exec of a service with its user, group, directory, process group
//   PebbleTestKit           the fake Pebble: plan rules, services that really run, in-memory variant
//   fake-pebble             the fake Pebble daemon as an executable
//   JujuJSON                JSON values, strict parsing over json-c, Python-compatible output
//   PostgreSQLClient        the pure protocol core: databags, models, validation (no I/O)
//   JujuHookTools           the one seam to Juju: hook-tool protocol and hook environment
//   JujuLogging             a swift-log handler writing to juju-log
//   PostgreSQLClientTestKit fixtures and fakes for charm authors' tests
//   PGClientCLI / pgclient  the command-line tool (swift-argument-parser)
//   PGClientBenchmarks      benchmarks, never run as tests
//   HookStartupProbe        a hook-shaped binary linking only the runtime modules
import PackageDescription

let package = Package(
    name: "swift-postgresql-client",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "JujuJSON", targets: ["JujuJSON"]),
        .library(name: "PostgreSQLClient", targets: ["PostgreSQLClient"]),
        .library(name: "JujuHookTools", targets: ["JujuHookTools"]),
        .library(name: "JujuLogging", targets: ["JujuLogging"]),
        .library(name: "JujuYAML", targets: ["JujuYAML"]),
        .library(name: "Pebble", targets: ["Pebble"]),
        .library(name: "PebbleTestKit", targets: ["PebbleTestKit"]),
        .library(name: "PostgreSQLClientTestKit", targets: ["PostgreSQLClientTestKit"]),
        .library(name: "PostgreSQLClientPostgres", targets: ["PostgreSQLClientPostgres"]),
        .library(name: "DemoAPICharm", targets: ["DemoAPICharm"]),
        .executable(name: "demo-api-charm", targets: ["demo-api-charm"]),
        .executable(name: "fake-postgresql-charm", targets: ["fake-postgresql-charm"]),
        .executable(name: "pgclient", targets: ["pgclient"]),
        .executable(name: "fake-juju-tools", targets: ["FakeJujuTools"]),
        .executable(name: "fake-pebble", targets: ["fake-pebble"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // swift-log has no Foundation: a charm binary that logs through juju-log stays small.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Only PostgreSQLClientPostgres (the real allocator and the throw-away server) uses these.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CJSONC",
            pkgConfig: "json-c",
            providers: [.apt(["libjson-c-dev"]), .brew(["json-c"])]
        ),
        .target(
            name: "JujuJSON",
            dependencies: ["CJSONC"]
        ),
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .target(
            name: "JujuYAML",
            dependencies: ["CYAML"]
        ),
        // The Pebble client: on the hook path, so no Foundation (JSON through json-c, YAML through libyaml).
        .target(
            name: "Pebble",
            dependencies: ["JujuJSON", "JujuYAML"]
        ),
        .target(
            name: "CPebbleSpawn"
        ),
        .target(
            name: "PebbleTestKit",
            dependencies: ["Pebble", "JujuJSON", "JujuYAML", "CPebbleSpawn"]
        ),
        .executableTarget(
            name: "fake-pebble",
            dependencies: ["PebbleTestKit", "Pebble"]
        ),
        // Drives the Swift Pebble client from Tests/Interop (JSON lines on stdin/stdout).
        .executableTarget(
            name: "pebble-client-driver",
            dependencies: ["Pebble", "JujuJSON"],
            path: "Tests/Interop/PebbleClientDriver"
        ),
        // A hook-shaped process: add a layer, restart, wait (Benchmarks/README: the Pebble benchmark);
        // --yaml runs the YAML codecs for scripts/check-leaks.sh.
        .executableTarget(
            name: "PebbleHookProbe",
            dependencies: ["Pebble", "JujuYAML"],
            path: "Benchmarks/PebbleHookProbe"
        ),
        .target(
            name: "PostgreSQLClient",
            dependencies: ["JujuJSON"]
        ),
        .target(
            name: "JujuHookTools",
            dependencies: ["PostgreSQLClient", "JujuJSON"]
        ),
        .target(
            name: "JujuLogging",
            dependencies: ["JujuHookTools", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "PostgreSQLClientTestKit",
            dependencies: ["PostgreSQLClient", "JujuHookTools", "JujuJSON"]
        ),
        .target(
            name: "PostgreSQLClientPostgres",
            dependencies: [
                "PostgreSQLClientTestKit",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "DemoAPICharm",
            dependencies: ["PostgreSQLClient", "JujuHookTools", "JujuLogging", "JujuJSON",
                           .product(name: "Logging", package: "swift-log")],
            path: "Examples/DemoAPICharm"
        ),
        .executableTarget(
            name: "demo-api-charm",
            dependencies: ["DemoAPICharm", "JujuHookTools"],
            path: "Examples/DemoAPICharmExecutable"
        ),
        .executableTarget(
            name: "fake-postgresql-charm",
            dependencies: ["JujuHookTools", "PostgreSQLClient", "PostgreSQLClientTestKit"],
            path: "Examples/FakePostgreSQLCharm"
        ),
        .target(
            name: "PGClientCLI",
            dependencies: [
                "PostgreSQLClient",
                "PostgreSQLClientTestKit",
                "PostgreSQLClientPostgres",
                "DemoAPICharm",
                "JujuJSON",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "pgclient",
            dependencies: ["PGClientCLI"]
        ),
        .executableTarget(
            name: "PGClientBenchmarks",
            dependencies: ["JujuJSON", "PostgreSQLClient", "PostgreSQLClientTestKit"],
            path: "Benchmarks/PGClientBenchmarks"
        ),
        .executableTarget(
            name: "HookStartupProbe",
            dependencies: ["JujuHookTools", "JujuJSON", "PostgreSQLClient"],
            path: "Benchmarks/HookStartupProbe"
        ),
        .executableTarget(
            name: "FakeJujuTools",
            dependencies: ["PostgreSQLClientTestKit", "PostgreSQLClient", "JujuHookTools", "JujuJSON"]
        ),
        .testTarget(
            name: "FakeJujuToolsTests",
            dependencies: ["FakeJujuTools", "PostgreSQLClientTestKit", "JujuJSON"]
        ),
        .testTarget(
            name: "JujuLoggingTests",
            dependencies: ["JujuLogging", "JujuHookTools", "PostgreSQLClientTestKit",
                           .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "JujuYAMLTests",
            dependencies: ["JujuYAML"]
        ),
        .testTarget(
            name: "PebbleTests",
            dependencies: ["Pebble", "JujuJSON", "JujuYAML"]
        ),
        .testTarget(
            name: "PebbleTestKitTests",
            dependencies: ["PebbleTestKit", "Pebble", "JujuJSON", "JujuYAML"]
        ),
        .testTarget(
            name: "JujuJSONTests",
            dependencies: ["JujuJSON"]
        ),
        .testTarget(
            name: "PostgreSQLClientTests",
            dependencies: ["PostgreSQLClient", "PostgreSQLClientTestKit", "JujuJSON"]
        ),
        .testTarget(
            name: "JujuHookToolsTests",
            dependencies: ["JujuHookTools", "PostgreSQLClient"]
        ),
        .testTarget(
            name: "PostgreSQLClientPostgresTests",
            dependencies: [
                "PostgreSQLClientPostgres",
                "PostgreSQLClientTestKit",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "PostgreSQLClientTestKitTests",
            dependencies: ["PostgreSQLClientTestKit", "PostgreSQLClient", "JujuJSON"]
        ),
        .testTarget(
            name: "DemoAPICharmTests",
            dependencies: ["DemoAPICharm", "PostgreSQLClient", "JujuJSON", "JujuHookTools", "PostgreSQLClientTestKit"]
        ),
        .testTarget(
            name: "PGClientCLITests",
            dependencies: ["PGClientCLI", "PostgreSQLClient", "JujuJSON"]
        ),
    ]
)

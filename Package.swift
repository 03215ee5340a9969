// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "miglint",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "miglint", targets: ["miglint"])
  ],
  // No dependencies: the command line is read by hand (Sources/miglint/Arguments.swift).
  dependencies: [],
  targets: [
    // libpg_query (Debian: libpg-query-dev) as a system library. On Linux its static archive is
    // linked in: resolving the shared library's thousands of symbols at every start cost a
    // third of `miglint --version`, and the binary then runs without it.
    .systemLibrary(name: "CPgQuery"),
    .target(
      name: "MigLintSyntax", dependencies: ["CPgQuery"],
      linkerSettings: [
        .unsafeFlags(["-Xlinker", "-l:libpg_query.a"], .when(platforms: [.linux])),
        .linkedLibrary("pg_query", .when(platforms: [.macOS])),
      ]),
    .target(name: "MigLintCore", dependencies: ["MigLintSyntax"]),
    // The JavaScript/TypeScript front end that ORM migrations are read with (never run).
    .target(name: "MigLintJavaScript", dependencies: ["MigLintSyntax"]),
    // Sequelize, Knex and TypeORM migrations turned into the SQL they send.
    .target(name: "MigLintORM", dependencies: ["MigLintJavaScript", "MigLintSyntax"]),
    .target(name: "MigLintRules", dependencies: ["MigLintCore", "MigLintSyntax"]),
    .target(
      name: "MigLintWorkspace",
      dependencies: ["MigLintCore", "MigLintSyntax", "MigLintORM"]),
    .target(name: "MigLintReporters", dependencies: ["MigLintCore", "MigLintSyntax"]),
    // `miglint lsp`: the language server.
    .target(
      name: "MigLintServer",
      dependencies: ["MigLintCore", "MigLintSyntax", "MigLintRules", "MigLintWorkspace", "MigLintReporters"]),
    .executableTarget(
      name: "miglint",
      dependencies: [
        "MigLintSyntax", "MigLintCore", "MigLintRules", "MigLintWorkspace", "MigLintReporters", "MigLintServer",
      ],
      // A release build on Linux is one static executable: with shared libraries, the dynamic
      // loader's symbol lookups (libstdc++ relocating itself) were two thirds of
      // `miglint --version`. The link warns that glibc's dlopen needs the shared C library; the
      // Swift runtime calls it only under a debugging environment variable.
      linkerSettings: [.unsafeFlags(["-static-executable"], .when(platforms: [.linux], configuration: .release))]),
    // Test-only helpers; not part of the shipped product.
    .target(
      name: "MigLintTestSupport",
      dependencies: ["MigLintSyntax", "MigLintCore", "MigLintRules", "MigLintWorkspace"]),
    .testTarget(name: "MigLintSyntaxTests", dependencies: ["MigLintSyntax", "MigLintTestSupport"]),
    .testTarget(name: "MigLintJavaScriptTests", dependencies: ["MigLintJavaScript", "MigLintORM", "MigLintSyntax"]),
    .testTarget(name: "MigLintCoreTests", dependencies: ["MigLintCore", "MigLintRules", "MigLintTestSupport"]),
    .testTarget(name: "MigLintRulesTests", dependencies: ["MigLintRules", "MigLintCore", "MigLintTestSupport"]),
    .testTarget(name: "MigLintWorkspaceTests", dependencies: ["MigLintWorkspace", "MigLintTestSupport"]),
    .testTarget(
      name: "MigLintReportersTests",
      dependencies: ["MigLintReporters", "MigLintRules", "MigLintTestSupport"]),
    .testTarget(
      name: "MigLintFuzzTests",
      dependencies: ["MigLintReporters", "MigLintRules", "MigLintWorkspace", "MigLintORM", "MigLintTestSupport"]),
    .testTarget(name: "miglintTests", dependencies: ["miglint", "MigLintTestSupport"]),
  ]
)

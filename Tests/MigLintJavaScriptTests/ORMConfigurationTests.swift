import MigLintORM
import Testing

@Suite struct ORMConfigurationTests {
  func folders(_ text: String) -> [String] { ORMConfiguration.migrationFolders(Array(text.utf8)) }

  @Test func sequelizerc() {
    #expect(
      folders("const path = require('path');\nmodule.exports = { 'migrations-path': path.resolve('db', 'migrate') };\n")
        == ["db/migrate"])
    #expect(
      folders("module.exports = { 'migrations-path': path.join(process.cwd(), 'migrations') };\n") == ["migrations"])
  }

  @Test func knexfiles() {
    #expect(
      folders("module.exports = { client: 'pg', migrations: { directory: './db/migrations' } };\n") == ["db/migrations"]
    )
    #expect(
      folders(
        """
        import type { Knex } from 'knex';
        const config: { [key: string]: Knex.Config } = {
          development: { client: 'pg', migrations: { directory: './schema', extension: 'ts' } },
          production: { client: 'pg', migrations: { directory: ['./schema', './late'] } },
        };
        export default config;
        """) == ["schema", "late"])
  }

  @Test func typeormDataSources() {
    #expect(
      folders(
        "import { DataSource } from 'typeorm';\nexport default new DataSource({ migrations: [__dirname + '/migrations/*{.ts,.js}'] });\n"
      ) == ["migrations"])
    #expect(
      folders("module.exports = { type: 'postgres', migrations: ['src/db/migrations/*.ts'] };\n") == [
        "src/db/migrations"
      ])
  }

  @Test func pathsComputedAtRunTimeAreNotGuessed() {
    #expect(folders("module.exports = { migrations: { directory: process.env.MIGRATIONS } };\n").isEmpty)
    #expect(ORMConfiguration.isConfiguration(".sequelizerc"))
    #expect(ORMConfiguration.isConfiguration("knexfile.ts"))
    #expect(ORMConfiguration.isConfiguration("data-source.ts"))
    #expect(!ORMConfiguration.isConfiguration("server.ts"))
  }
}

/** The one place the development tools are pinned: Go-built, or (Prometheus) taken from a Debian package. */
interface ToolBase {
  name:
    | 'temporal'
    | 'versitygw'
    | 'docker-compose'
    | 'temporal-server'
    | 'temporal-sql-tool'
    | 'temporal-ui-server'
    | 'prometheus';
  version: string;
  envVar: string;
  /** Why this exact version: newer temporal CLI tags carry `replace` directives and cannot be `go install`ed. */
  note: string;
}

export interface GoToolSpec extends ToolBase {
  goPackage: string;
  /** The file `go install` writes when it is not `name` (it names binaries after the package's last folder). */
  goBinary?: string;
  /**
   * Set for a module whose go.mod has `exclude` or `replace` directives, which `go install pkg@version` refuses: the
   * package is built inside the downloaded module instead, as the project's own release build does.
   */
  goModule?: { path: string; versionVariable: string };
}

/** A binary extracted from a Debian package (`apt-get download`, `dpkg-deb -x`): nothing is installed system-wide. */
export interface DebToolSpec extends ToolBase {
  deb: {
    package: string;
    /** The exact Debian version `apt-get download` fetches. */
    version: string;
    /** The binaries to keep, as paths inside the package; the first is the tool, the others land beside it. */
    binaries: readonly string[];
  };
}

export type ToolSpec = GoToolSpec | DebToolSpec;

export const tools = {
  temporal: {
    name: 'temporal',
    goPackage: 'github.com/temporalio/cli/cmd/temporal',
    version: 'v1.5.1',
    envVar: 'TEMPORAL_CLI_PATH',
    note: 'Temporal CLI with the embedded dev server (SQLite persistence, Web UI)',
  },
  versitygw: {
    name: 'versitygw',
    goPackage: 'github.com/versity/versitygw/cmd/versitygw',
    version: 'v1.7.0',
    envVar: 'VERSITYGW_PATH',
    note: 'Versity S3 gateway over a local folder (POSIX backend)',
  },
  compose: {
    name: 'docker-compose',
    goPackage: 'github.com/docker/compose/v5/cmd',
    version: 'v5.6.0',
    envVar: 'DOCKER_COMPOSE_PATH',
    note:
      'Docker Compose (the v2 CLI, renumbered v5 in December 2025), to validate compose.yaml; v5.7.x ask for go ' +
      '1.26.10 or later, and every tag since v5.1.0 has `exclude` directives',
    // Stamped as its release build does, so `docker-compose version` names the pinned version instead of `dev`.
    goModule: {
      path: 'github.com/docker/compose/v5',
      versionVariable: 'github.com/docker/compose/v5/internal.Version',
    },
  },
  // The real server for `npm run test:cluster`, built on first use there, not by `npm run provision`. v1.29.1 is the
  // server the CLI above embeds, so the cluster and the dev server differ only in persistence and process layout; the
  // latest v1.30 and v1.31 tags need Go 1.26.10.
  'temporal-server': {
    name: 'temporal-server',
    goPackage: 'go.temporal.io/server/cmd/server',
    goBinary: 'server',
    version: 'v1.29.1',
    envVar: 'TEMPORAL_SERVER_PATH',
    note: 'Temporal server (frontend, history, matching, worker services) on SQL persistence',
  },
  'temporal-sql-tool': {
    name: 'temporal-sql-tool',
    goPackage: 'go.temporal.io/server/cmd/tools/sql',
    goBinary: 'sql',
    version: 'v1.29.1',
    envVar: 'TEMPORAL_SQL_TOOL_PATH',
    note: "Temporal's schema tool: creates the databases and applies the server module's versioned schemas",
  },
  'temporal-ui-server': {
    name: 'temporal-ui-server',
    goPackage: 'github.com/temporalio/ui-server/v2/cmd/server',
    goBinary: 'server',
    // The Web UI the CLI v1.5.1 ships next to server v1.29.1; v2.58 needs Go 1.26.10.
    version: 'v2.42.1',
    envVar: 'TEMPORAL_UI_SERVER_PATH',
    note: 'Temporal Web UI server, pointed at a frontend by its config file',
  },
  // The real Prometheus `npm run dashboard:check` evaluates the Grafana dashboard's queries with, and promtool, which
  // checks the compose deployment's scrape configuration; Debian bookworm's, so no Go build and no download from
  // outside the distribution.
  prometheus: {
    name: 'prometheus',
    version: '2.42.0',
    envVar: 'PROMETHEUS_PATH',
    note: "Prometheus server and promtool, from Debian bookworm's package",
    deb: {
      package: 'prometheus',
      version: '2.42.0+ds-5+deb12u1',
      binaries: ['usr/bin/prometheus', 'usr/bin/promtool'],
    },
  },
} as const satisfies Record<string, ToolSpec>;

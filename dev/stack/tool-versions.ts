/** The one place the Go-built tools are pinned. */
export interface ToolSpec {
  name: 'temporal' | 'versitygw' | 'docker-compose';
  goPackage: string;
  version: string;
  envVar: string;
  /** Why this exact version: newer temporal CLI tags carry `replace` directives and cannot be `go install`ed. */
  note: string;
  /**
   * Set for a module whose go.mod has `exclude` or `replace` directives, which `go install pkg@version` refuses: the
   * package is built inside the downloaded module instead, as the project's own release build does.
   */
  goModule?: { path: string; versionVariable: string };
}

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
} as const satisfies Record<string, ToolSpec>;

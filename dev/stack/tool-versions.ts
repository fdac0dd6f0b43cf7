/** The one place the Go-built servers are pinned. */
export interface ToolSpec {
  name: 'temporal' | 'versitygw';
  goPackage: string;
  version: string;
  envVar: string;
  /** Why this exact version: newer temporal CLI tags carry `replace` directives and cannot be `go install`ed. */
  note: string;
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
} as const satisfies Record<string, ToolSpec>;

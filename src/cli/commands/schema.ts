import { exitCodes } from '../errors';
import type { Command } from '../command';
import { projectJsonSchema, projectSchemaPath } from '../project-schema';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema of project files (the format `scene-video project` reads)',
  usage: {
    positionals: [],
    options: {},
    details: [
      `The output is the document committed at ${projectSchemaPath}; the output is JSON with or without --json.`,
    ],
    examples: [`scene-video schema > ${projectSchemaPath}`],
  },
  async run(_args, { out }) {
    if (out.json) out.document(projectJsonSchema());
    else out.text(JSON.stringify(projectJsonSchema(), null, 2));
    return exitCodes.ok;
  },
};

import { exitCodes } from '../errors';
import type { Command } from '../command';
import { jsonSchemas } from '../json-schemas';

const { project, manifest } = jsonSchemas;

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema of project files (the format `scene-video project` reads), or of project manifests',
  usage: {
    positionals: [],
    options: {
      manifest: {
        type: 'boolean',
        description: 'The schema of the manifest a finished project writes beside its clips (`_manifest.json`)',
      },
    },
    details: [
      `The output is the document committed at ${project.path} (with --manifest, ${manifest.path}); the output is JSON with or without --json.`,
    ],
    examples: [`scene-video schema > ${project.path}`, `scene-video schema --manifest > ${manifest.path}`],
  },
  async run(args, { out }) {
    const schema = (args.flag('manifest') ? manifest : project).generate();
    if (out.json) out.document(schema);
    else out.text(JSON.stringify(schema, null, 2));
    return exitCodes.ok;
  },
};

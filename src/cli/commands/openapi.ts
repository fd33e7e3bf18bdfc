import type { Command } from 'commander';
import { controllers } from '../../app';

/** The OpenAPI document as GET /openapi.json serves it, indented, ending in a newline. */
export function openApiText(): string {
  // Loaded here, not with the CLI: the generator is only needed by this command.
  const { buildOpenApiDocument } =
    require('../../http/openapi/document') as typeof import('../../http/openapi/document');
  return `${JSON.stringify(buildOpenApiDocument(controllers), null, 2)}\n`;
}

export function registerOpenApiCommand(program: Command): void {
  program
    .command('openapi')
    .description('print the OpenAPI document generated from the controllers (no server, no database)')
    .action(() => {
      process.stdout.write(openApiText());
    });
}

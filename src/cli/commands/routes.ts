import type { Command } from 'commander';
import type { MetadataBuilder as MetadataBuilderType } from 'routing-controllers/types/metadata-builder/MetadataBuilder';

export interface RouteInfo {
  method: string;
  path: string;
  auth: 'required' | 'optional' | 'none';
  handler: string;
}

/** Every route the app serves, read from the controllers' decorators (no database needed). */
export function listRoutes(): RouteInfo[] {
  // Loaded here, not at the top: every other CLI command (user:create, migrations, ...) then starts
  // without compiling and loading the app, its controllers and the GraphQL stack.
  const { controllers } = require('../../app') as typeof import('../../app');
  const { GRAPHQL_PATH } = require('../../graphql/endpoint') as typeof import('../../graphql/endpoint');
  // Not re-exported from the package root; it is the builder useKoaServer itself runs.
  const { MetadataBuilder } = require('routing-controllers/cjs/metadata-builder/MetadataBuilder') as {
    MetadataBuilder: typeof MetadataBuilderType;
  };
  const metadata = new MetadataBuilder({}).buildControllerMetadata(controllers);
  const routes = metadata.flatMap((controller) =>
    controller.actions.map((action) => {
      const currentUser = action.params.find((param) => param.type === 'current-user');
      const auth = action.isAuthorizedUsed || currentUser?.required ? 'required' : currentUser ? 'optional' : 'none';
      return {
        method: action.type.toUpperCase(),
        path: String(action.fullRoute),
        auth,
        handler: `${controller.target.name}.${action.method}`,
      } satisfies RouteInfo;
    }),
  );
  // Not a controller: the GraphQL endpoint is middleware (src/graphql/endpoint.ts). Each field
  // decides whether it needs a token, as optional-auth REST routes do.
  for (const method of ['GET', 'POST']) {
    routes.push({ method, path: GRAPHQL_PATH, auth: 'optional', handler: 'graphqlEndpoint' });
  }
  return routes;
}

export function registerRoutesCommand(program: Command): void {
  program
    .command('routes')
    .description('list every route with its method, path and whether it needs a token')
    .option('--json', 'print JSON instead of a table')
    .action((options: { json?: boolean }) => {
      const routes = listRoutes();
      if (options.json) {
        console.log(JSON.stringify(routes, null, 2));
        return;
      }
      const rows = [['METHOD', 'PATH', 'AUTH', 'HANDLER'], ...routes.map((r) => [r.method, r.path, r.auth, r.handler])];
      const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
      for (const row of rows)
        console.log(
          row
            .map((cell, column) => cell.padEnd(widths[column]))
            .join('  ')
            .trimEnd(),
        );
    });
}

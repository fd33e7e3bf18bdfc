/**
 * The deployed Lambda bundle (dist/lambda/api.js) in a process of its own, driven by the spec
 * process over IPC (spec/support/lambda-bundle.ts): as on Lambda, nothing of the sources is
 * loaded beside it. (In the spec process itself, its copies of routing-controllers,
 * class-validator and type-graphql would share their process-wide metadata registries with the
 * sources' copies, and each would see the other's classes.)
 *
 * Messages in: `{ id, event, context }` (an invocation) and `{ close: true }`. Messages out:
 * `{ sql }` for each statement the bundle's ORM sends, before the `{ id, result }` or
 * `{ id, error }` of the invocation that sent it, so the suite's SQL log is complete when a
 * response arrives.
 */
const bundle = require(process.env.LAMBDA_BUNDLE);

const { handler, close } = bundle.lambdaHandlerWith({
  config: JSON.parse(process.env.LAMBDA_BUNDLE_CONFIG),
  database: {
    orm: {
      debug: ['query'],
      logger: (message) => {
        if (message.startsWith('[query] ')) process.send({ sql: message });
      },
    },
  },
});

process.on('message', (message) => {
  if (message.close) {
    close().then(
      () => process.disconnect(),
      () => process.disconnect(),
    );
    return;
  }
  handler(message.event, message.context).then(
    (result) => process.send({ id: message.id, result }),
    (error) => process.send({ id: message.id, error: String(error?.stack ?? error) }),
  );
});

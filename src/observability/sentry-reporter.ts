import { defaultStackParser, makeNodeTransport, NodeClient, Scope } from '@sentry/node';
import type { ErrorReporter } from './error-reporter';
import { scrubEvent } from './scrub';

/**
 * The one module that talks to Sentry, loaded only when SENTRY_DSN is set (error-reporter.ts).
 *
 * A client of its own rather than `Sentry.init()`: nothing global is patched or instrumented. No
 * integrations at all (no http, OpenTelemetry, console or context integrations, so no tracing and
 * no breadcrumbs of request bodies); errors arrive only through `capture`. `tracesSampleRate`
 * stays unset: no performance data is collected or sent.
 */
export function createSentryReporter(options: { dsn: string; environment: string; release: string }): ErrorReporter {
  const client = new NodeClient(sentryClientOptions(options));
  const scope = new Scope();
  scope.setClient(client);
  client.init();

  return {
    enabled: true,
    capture(error, context) {
      const { userId, requestId, ...rest } = context;
      const errorScope = scope.clone();
      // Sentry's tag names are snake_case; each becomes a filter in its UI.
      for (const [key, value] of Object.entries({ request_id: requestId, ...rest })) {
        if (value !== undefined) errorScope.setTag(key, value);
      }
      if (userId !== undefined) errorScope.setUser({ id: String(userId) });
      errorScope.captureException(error);
    },
    flush: async (timeoutMs) => client.flush(timeoutMs),
  };
}

/** The client's options: what it may collect and send, besides the events we capture. */
export function sentryClientOptions(options: {
  dsn: string;
  environment: string;
  release: string;
}): ConstructorParameters<typeof NodeClient>[0] {
  return {
    ...options,
    integrations: [],
    transport: makeNodeTransport,
    stackParser: defaultStackParser,
    // What `sendDefaultPii: false` was before SDK 11: nothing about the user, the request or its
    // queries is collected by the SDK itself (we set the user id and nothing else).
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
      graphQL: { document: false, variables: false },
      genAI: { inputs: false, outputs: false },
      mcp: { inputs: false, outputs: false },
      databaseQueryData: false,
      queues: false,
      stackFrameVariables: false,
    },
    // Its timer and exit hook exist only to report dropped events; not worth a timer per process.
    sendClientReports: false,
    // Would hook Node's diagnostics channels for the auto-instrumentation we do not use.
    enableRuntimeChannelInjection: false,
    // No tracing (tracesSampleRate unset); were it turned on, 'static' sends transactions through
    // beforeSendTransaction, where SDK 11's default ('stream') would bypass that scrubber.
    traceLifecycle: 'static',
    beforeSend: (event) => scrubEvent(event),
    beforeSendTransaction: (event) => scrubEvent(event),
  };
}

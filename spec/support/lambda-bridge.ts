import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LambdaHandler } from '../../src/lambda';

/**
 * Lets the unchanged API specs drive the Lambda handler: supertest talks HTTP to this server, which
 * turns each request into an API Gateway HTTP API (payload 2.0) event as AWS would, invokes the
 * handler, and writes the Lambda result back as the HTTP response the assertions read.
 */
export function lambdaBridge(handler: LambdaHandler): Server {
  return createServer((req, res) => {
    readBody(req)
      .then((body) => handler(toHttpApiEvent(req, body), { awsRequestId: randomUUID() }))
      .then((result) => writeResult(res, result as LambdaResult))
      .catch((error: unknown) => {
        // A handler that throws is a Lambda failure: API Gateway answers 500 with this body.
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Internal Server Error', bridgeError: String(error) }));
      });
  });
}

interface LambdaResult {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const TEXT_TYPES = /^(text\/|application\/(json|.*\+json|x-www-form-urlencoded|xml))/;

/** What API Gateway HTTP API sends for this request (payload format 2.0). */
export function toHttpApiEvent(req: IncomingMessage, body: Buffer) {
  const url = new URL(req.url ?? '/', 'http://lambda.local');
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') {
      cookies = String(value).split(/;\s*/);
      continue;
    }
    // Repeated headers arrive comma-joined.
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    queryStringParameters[key] = key in queryStringParameters ? `${queryStringParameters[key]},${value}` : value;
  }
  // API Gateway passes text bodies as they are and base64-encodes everything else.
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '') && !headers['content-encoding'];
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies && { cookies }),
    headers,
    ...(url.search && { queryStringParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'spec',
      domainName: headers.host ?? 'lambda.local',
      domainPrefix: 'spec',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 && {
      body: isText ? body.toString('utf8') : body.toString('base64'),
      isBase64Encoded: !isText,
    }),
  };
}

function writeResult(res: ServerResponse, result: LambdaResult) {
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string | string[]> = { ...result.headers };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  // API Gateway sets the length of what it sends; the app's own may describe another encoding.
  delete headers['transfer-encoding'];
  headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode, headers);
  res.end(body);
}
